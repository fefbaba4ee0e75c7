package mqtt

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// TestRequest025: two native members meet through the Go broker on the
// 0.25 protocol and ask each other: a response, a handler's error, no
// handler, a timeout, and a request pending while the peer leaves.
func TestRequest025(t *testing.T) {
	rel := harness025.Relay.Start(t)
	cfg := posthorn.Config{RelayURLs: []string{rel.URL}}
	a := strategytest.Join(t, harness025, "req-room", cfg)
	b := strategytest.Join(t, harness025, "req-room", cfg)
	a.WaitPeers(t, b)
	b.WaitPeers(t, a)
	ctx := strategytest.Ctx(t)

	ask, err := a.Room.MakeRequestAction("calc")
	if err != nil {
		t.Fatal(err)
	}
	ans, err := b.Room.MakeRequestAction("calc")
	if err != nil {
		t.Fatal(err)
	}
	stall, stalled := make(chan struct{}), make(chan struct{}, 2)
	t.Cleanup(func() { close(stall) })
	_ = ans.OnRequest(func(ctx context.Context, req posthorn.Message, _ string) (any, error) {
		switch string(req.Data) {
		case "fail":
			return nil, errors.New("no such sum")
		case "stall":
			stalled <- struct{}{}
			select {
			case <-stall:
			case <-ctx.Done():
			}
		}
		return map[string]any{"got": string(req.Data), "meta": req.Meta}, nil
	})
	m, err := ask.Request(ctx, b.ID, "2+2", &posthorn.RequestOptions{Meta: []int{4}})
	if err != nil || string(m.Data) != `{"got":"2+2","meta":[4]}` {
		t.Fatalf("response %s, %v", m.Data, err)
	}
	if _, err := ask.Request(ctx, b.ID, "fail", nil); !errors.Is(err, posthorn.ErrRequestFailed) {
		t.Fatalf("handler error: %v", err)
	}
	if _, err := ask.Request(ctx, b.ID, "stall", &posthorn.RequestOptions{Timeout: 100 * time.Millisecond}); !errors.Is(err, posthorn.ErrRequestTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	recv(t, stalled, "the timed-out request's handler")
	back, err := b.Room.MakeRequestAction("back")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Room.MakeRequestAction("back"); err != nil {
		t.Fatal(err)
	}
	res, err := back.RequestMany(ctx, nil, "anyone?", nil)
	if err != nil || len(res) != 1 || res[0].PeerID != a.ID || !errors.Is(res[0].Err, posthorn.ErrNoHandler) {
		t.Fatalf("no handler: %+v, %v", res, err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := ask.Request(ctx, b.ID, "stall", nil)
		errc <- err
	}()
	recv(t, stalled, "the handler")
	_ = b.Room.Leave()
	if err := recv(t, errc, "the request's end"); !errors.Is(err, posthorn.ErrPeerLeft) {
		t.Fatalf("peer left: %v", err)
	}
}
