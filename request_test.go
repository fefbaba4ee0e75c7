package posthorn

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/v025/reqres"
)

// pair025 returns two 0.25 rooms that have joined each other.
func pair025(t *testing.T) (a, b *member) {
	t.Helper()
	a, _ = newMember025(t, "", 0)
	b, _ = newMember025(t, "", 0)
	joined := make(chan string, 2)
	a.room.OnPeerJoin(func(id string) { joined <- id })
	b.room.OnPeerJoin(func(id string) { joined <- id })
	link(t, a, b)
	recv(t, joined, "join")
	recv(t, joined, "join")
	return a, b
}

func requestAction(t *testing.T, m *member, name string) *Action {
	t.Helper()
	a, err := m.room.MakeRequestAction(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRequestResponse: a request's data and metadata reach the handler,
// and what it returns, or the error it gives, comes back; a peer without a
// handler answers "request handler unavailable" after 500 ms; a handler set
// late answers what waited.
func TestRequestResponse(t *testing.T) {
	a, b := pair025(t)
	ctx := testCtx(t)
	ask := requestAction(t, a, "calc")
	ans := requestAction(t, b, "calc")
	big := make([]byte, 2*chunk.Framing025.MaxPayload()+5)
	for i := range big {
		big[i] = byte(i)
	}
	if err := ans.OnRequest(func(_ context.Context, req Message, from string) (any, error) {
		if from != a.id {
			return nil, errors.New("wrong peer " + from)
		}
		switch string(req.Data) {
		case `"fail"`:
			return nil, errors.New("boom")
		case `"meta"`:
			return string(req.Meta), nil
		case `"big"`:
			return big, nil
		case `"null"`:
			return nil, nil
		case `"bad"`:
			return json.RawMessage("{"), nil
		}
		return map[string]string{"echo": string(req.Data)}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		data     any
		meta     any
		kind     string
		want     string
		wantErr  string
		noHandle bool
	}{
		{data: 7, kind: "json", want: `{"echo":"7"}`},
		{data: "meta", meta: map[string]int{"x": 1}, kind: "string", want: `{"x":1}`},
		{data: "meta", meta: nil, kind: "string", want: ``},
		{data: "big", kind: "binary", want: string(big)},
		{data: "null", kind: "json", want: `null`},
		{data: "fail", wantErr: "boom"},
		{data: "bad", wantErr: "not valid JSON"},
	} {
		data, _ := json.Marshal(tc.data)
		m, err := ask.Request(ctx, b.id, json.RawMessage(data), &RequestOptions{Meta: tc.meta})
		if tc.wantErr != "" {
			var re *RequestError
			if !errors.As(err, &re) || !errors.Is(err, ErrRequestFailed) || re.PeerID != b.id || !strings.Contains(re.Msg, tc.wantErr) {
				t.Errorf("%v: err %v, want a RequestError %q", tc.data, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tc.data, err)
		}
		if m.Kind.String() != tc.kind || string(m.Data) != tc.want || m.Meta != nil {
			t.Errorf("%v: got %s %.40q meta %s, want %s %.40q", tc.data, m.Kind, m.Data, m.Meta, tc.kind, tc.want)
		}
	}

	// b's "late" has no handler yet: a's request waits, then fails.
	late := requestAction(t, a, "late")
	lateB := requestAction(t, b, "late")
	_, err := late.Request(ctx, b.id, "x", nil)
	if !errors.Is(err, ErrNoHandler) || !strings.Contains(err.Error(), reqres.Unavailable) {
		t.Fatalf("no handler: %v", err)
	}
	// A handler set while a request waits answers it.
	done := make(chan error, 1)
	go func() {
		m, err := late.Request(ctx, b.id, "y", nil)
		if err == nil && string(m.Data) != "got y" {
			err = errors.New("response " + string(m.Data))
		}
		done <- err
	}()
	waitUntil(t, "request held", func() bool {
		lateB.mu.Lock()
		defer lateB.mu.Unlock()
		return len(lateB.held) == 1
	})
	if err := lateB.OnRequest(func(_ context.Context, req Message, _ string) (any, error) {
		return "got " + string(req.Data), nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, done, "late response"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "bounds released", func() bool {
		b.room.mu.Lock()
		defer b.room.mu.Unlock()
		c := b.room.peers[a.id].active
		return c.requests == 0 && c.requestBytes == 0
	})
}

// TestRequestMany: results per peer in the order asked, with a peer that
// fails, one that is unknown, and a timeout.
func TestRequestMany(t *testing.T) {
	a, b := pair025(t)
	ctx := testCtx(t)
	ask := requestAction(t, a, "q")
	ans := requestAction(t, b, "q")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	_ = ans.OnRequest(func(ctx context.Context, req Message, _ string) (any, error) {
		if string(req.Data) == "slow" {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return "ok", nil
	})
	res, err := ask.RequestMany(ctx, []string{b.id, "nobody"}, "fast", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].PeerID != b.id || res[0].Err != nil || string(res[0].Response.Data) != "ok" ||
		res[1].PeerID != "nobody" || !errors.Is(res[1].Err, ErrUnknownPeer) {
		t.Fatalf("results %+v", res)
	}
	res, err = ask.RequestMany(ctx, nil, "slow", &RequestOptions{Timeout: 50 * time.Millisecond})
	if err != nil || len(res) != 1 || !errors.Is(res[0].Err, ErrRequestTimeout) {
		t.Fatalf("timeout: %+v, %v", res, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := ask.Request(cctx, b.id, "slow", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ctx: %v", err)
	}
	a.room.mu.Lock()
	n := len(a.room.requests)
	a.room.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d requests still pending", n)
	}
}

// TestRequestPeerLeaves: a pending request fails with ErrPeerLeft when the
// peer leaves, and the handler's ctx ends.
func TestRequestPeerLeaves(t *testing.T) {
	a, b := pair025(t)
	ask := requestAction(t, a, "q")
	ans := requestAction(t, b, "q")
	started, ended := make(chan struct{}), make(chan struct{})
	_ = ans.OnRequest(func(ctx context.Context, _ Message, _ string) (any, error) {
		close(started)
		<-ctx.Done()
		close(ended)
		return nil, ctx.Err()
	})
	errc := make(chan error, 1)
	go func() {
		_, err := ask.Request(testCtx(t), b.id, "x", nil)
		errc <- err
	}()
	recv(t, started, "handler")
	_ = b.room.Leave()
	if err := recv(t, errc, "request"); !errors.Is(err, ErrPeerLeft) || !errors.Is(err, reqres.ErrSaidLeave) {
		t.Fatalf("got %v, want ErrPeerLeft because it said it left", err)
	}
	recv(t, ended, "handler's ctx")
	if _, err := ask.Request(testCtx(t), b.id, "x", nil); !errors.Is(err, ErrUnknownPeer) {
		t.Fatalf("after leave: %v", err)
	}
	_ = a.room.Leave()
	if _, err := ask.Request(testCtx(t), b.id, "x", nil); !errors.Is(err, ErrLeft) {
		t.Fatalf("after own leave: %v", err)
	}
}

// TestRequestKinds: request actions exist only under 0.25, and a name is
// either kind, never both.
func TestRequestKinds(t *testing.T) {
	if _, err := newMember(t).room.MakeRequestAction("q"); !errors.Is(err, ErrRequestUnsupported) {
		t.Errorf("0.18: %v", err)
	}
	m, _ := newMember025(t, "", 0)
	msg, err := m.room.MakeAction("msg")
	if err != nil {
		t.Fatal(err)
	}
	req := requestAction(t, m, "req")
	if again := requestAction(t, m, "req"); again != req {
		t.Error("MakeRequestAction made a second action")
	}
	for name, err := range map[string]error{
		"MakeRequestAction(msg)": func() error { _, err := m.room.MakeRequestAction("msg"); return err }(),
		"MakeAction(req)":        func() error { _, err := m.room.MakeAction("req"); return err }(),
		"Send":                   req.Send(context.Background(), "x", nil),
		"Request":                func() error { _, err := msg.Request(context.Background(), "p", "x", nil); return err }(),
		"RequestMany":            func() error { _, err := msg.RequestMany(context.Background(), nil, "x", nil); return err }(),
		"OnRequest":              msg.OnRequest(nil),
	} {
		if !errors.Is(err, ErrActionKind) {
			t.Errorf("%s: %v, want ErrActionKind", name, err)
		}
	}
	if _, err := m.room.MakeRequestAction("@_response"); !errors.Is(err, ErrReservedAction) {
		t.Errorf("@_response: %v", err)
	}
}

// TestRequestBound: a peer's requests held or being handled are bounded;
// one beyond is dropped (its sender times out) and logged, and the bound
// frees up as responses go out.
func TestRequestBound(t *testing.T) {
	a, b := pair025(t)
	ctx := testCtx(t)
	ask := requestAction(t, a, "q")
	ans := requestAction(t, b, "q")
	release := make(chan struct{})
	_ = ans.OnRequest(func(ctx context.Context, _ Message, _ string) (any, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return "ok", nil
	})
	errs := make(chan error, maxPeerRequests)
	for range maxPeerRequests {
		go func() {
			_, err := ask.Request(ctx, b.id, "x", nil)
			errs <- err
		}()
	}
	busy := func() int {
		b.room.mu.Lock()
		defer b.room.mu.Unlock()
		return b.room.peers[a.id].active.requests
	}
	waitUntil(t, "handlers busy", func() bool { return busy() == maxPeerRequests })
	if _, err := ask.Request(ctx, b.id, "one too many", &RequestOptions{Timeout: 300 * time.Millisecond}); !errors.Is(err, ErrRequestTimeout) {
		t.Fatalf("beyond the bound: %v", err)
	}
	if !b.log.Has("too many pending") {
		t.Error("the dropped request was not logged")
	}
	close(release)
	for range maxPeerRequests {
		if err := recv(t, errs, "response"); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "bound freed", func() bool { return busy() == 0 })
	if _, err := ask.Request(ctx, b.id, "x", nil); err != nil {
		t.Fatal(err)
	}
}
