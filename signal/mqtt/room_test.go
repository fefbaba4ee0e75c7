package mqtt

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"

	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/transfer"
)

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>16)
	}
	return b
}

// TestRoom: three native peers meet through one broker (§7.3, §8) and then
// use the room: everyone sees everyone; string, JSON and binary with
// metadata and progress both ways; targeted sends; ping; leave.
func TestRoom(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.start(t)
			urls := []string{b.URL()}
			x, y, z := join(t, urls, "room-1", ""), join(t, urls, "room-1", ""), join(t, urls, "room-1", "")
			roomScenario(t, x, y, z)
		})
	}
}

func roomScenario(t *testing.T, a, b, c *member) {
	a.waitPeers(b, c)
	b.waitPeers(a, c)
	c.waitPeers(a, b)
	ctx := ctxT(t)

	if err := a.acts["chat"].Send(ctx, "hello from a", nil); err != nil {
		t.Fatal(err)
	}
	if err := b.acts["json"].Send(ctx, map[string]any{"n": 1, "s": "é<&>"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{b, c} {
		r := m.recv("chat")
		if r.from != a.id || r.m.Kind != transfer.KindString || string(r.m.Data) != "hello from a" {
			t.Fatalf("%s got chat %+v from %s", m.id, r.m, r.from)
		}
	}
	for _, m := range []*member{a, c} {
		r := m.recv("json")
		if r.from != b.id || r.m.Kind != transfer.KindJSON || string(r.m.Data) != `{"n":1,"s":"é<&>"}` {
			t.Fatalf("%s got json %s (%v) from %s", m.id, r.m.Data, r.m.Kind, r.from)
		}
	}

	// binary with metadata and progress, both ways at once
	fileA, fileB := pattern(1<<20, 1), pattern(1<<20, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	var sendProg sync.Map
	for _, x := range []struct {
		from, to *member
		data     []byte
	}{{a, b, fileA}, {b, a, fileB}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0.0
			err := x.from.acts["file"].Send(ctx, x.data, &room.SendOptions{
				Targets:    []string{x.to.id},
				Meta:       map[string]any{"name": "file-from-" + x.from.id},
				OnProgress: func(p float64, _ string) { last = p },
			})
			sendProg.Store(x.from.id, last)
			errs <- err
		}()
	}
	for _, x := range []struct {
		at, from *member
		data     []byte
	}{{b, a, fileA}, {a, b, fileB}} {
		r := x.at.recv("file")
		if r.from != x.from.id || r.m.Kind != transfer.KindBinary || !bytes.Equal(r.m.Data, x.data) {
			t.Fatalf("%s: binary from %s differs (len %d, kind %v)", x.at.id, r.from, len(r.m.Data), r.m.Kind)
		}
		var meta struct{ Name string }
		if err := json.Unmarshal(r.m.Meta, &meta); err != nil || meta.Name != "file-from-"+x.from.id {
			t.Fatalf("meta %s: %v", r.m.Meta, err)
		}
		p := x.at.progress(x.from.id)
		if len(p) == 0 || p[len(p)-1] != 1 {
			t.Fatalf("receiver progress %v", p)
		}
		for i := 1; i < len(p); i++ {
			if p[i] < p[i-1] {
				t.Fatalf("progress goes back: %v", p)
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sendProg.Range(func(k, v any) bool {
		if v.(float64) != 1 {
			t.Errorf("sender %v progress ended at %v", k, v)
		}
		return true
	})
	if c.progressLen() != 0 {
		t.Fatal("c saw progress of a transfer not sent to it")
	}

	// targeted send: only b gets it. a's channel to c is ordered, so had
	// the targeted message reached c it would precede the marker.
	if err := a.acts["chat"].Send(ctx, "for b only", &room.SendOptions{Targets: []string{b.id}}); err != nil {
		t.Fatal(err)
	}
	if err := a.acts["marker"].Send(ctx, "marker", nil); err != nil {
		t.Fatal(err)
	}
	if r := b.recv("chat"); string(r.m.Data) != "for b only" {
		t.Fatalf("b got %q", r.m.Data)
	}
	c.recv("marker")
	select {
	case r := <-c.got["chat"]:
		t.Fatalf("c got a message targeted at b: %q", r.m.Data)
	default:
	}

	for _, x := range [][2]*member{{a, b}, {b, c}, {c, a}} {
		if _, err := x[0].r.Ping(ctx, x[1].id); err != nil {
			t.Fatalf("ping %s→%s: %v", x[0].id, x[1].id, err)
		}
	}

	if err := c.r.Leave(); err != nil {
		t.Fatal(err)
	}
	a.waitGone(c)
	b.waitGone(c)
	if !a.r.HasPeer(b.id) || !b.r.HasPeer(a.id) {
		t.Fatal("a and b lost each other when c left")
	}
}
