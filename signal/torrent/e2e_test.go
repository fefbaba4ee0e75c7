package torrent

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/transfer"
)

const fileSize = 40 << 20 // 40 MiB

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed ^ byte(i>>16)
	}
	return b
}

// roomScenario runs the shared checks on three joined members: everyone
// sees everyone; string, JSON and a 40 MiB binary with metadata and
// progress both ways; targeted sends; ping; leave.
func roomScenario(t *testing.T, a, b, c *member, bigFile bool) {
	a.waitPeers(b, c)
	b.waitPeers(a, c)
	c.waitPeers(a, b)
	ctx := ctxT(t)

	// string and JSON to everyone
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
	size := fileSize
	if !bigFile {
		size = 1 << 20
	} else if raceEnabled {
		size = 4 << 20
	}
	fileA, fileB := pattern(size, 1), pattern(size, 2)
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
		p := x.at.progress("file", x.from.id)
		if len(p) < size/16369 || p[len(p)-1] != 1 {
			t.Fatalf("receiver progress: %d calls, last %v", len(p), p[len(p)-1:])
		}
		for i := 1; i < len(p); i++ {
			if p[i] < p[i-1] {
				t.Fatalf("progress goes back at call %d: %v then %v", i, p[i-1], p[i])
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
	if len(c.progress("file", a.id))+len(c.progress("file", b.id)) != 0 {
		t.Fatal("c saw progress of a transfer not sent to it")
	}

	// targeted send: only b gets it. c's channel to a is ordered, so if the
	// targeted message had reached c it would precede the marker.
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

	// ping
	for _, x := range [][2]*member{{a, b}, {b, c}, {c, a}} {
		if _, err := x[0].r.Ping(ctx, x[1].id); err != nil {
			t.Fatalf("ping %s→%s: %v", x[0].id, x[1].id, err)
		}
	}

	// leave
	if err := c.r.Leave(); err != nil {
		t.Fatal(err)
	}
	a.waitGone(c)
	b.waitGone(c)
	if !a.r.HasPeer(b.id) || !b.r.HasPeer(a.id) {
		t.Fatal("a and b lost each other when c left")
	}
}

func TestRoomThroughGoTracker(t *testing.T) {
	testutil.RequireNetns(t)
	trk := startTracker(t)
	urls := []string{trk.url()}
	a := joinMember(t, urls, "posthorn-test", "room-1", "")
	b := joinMember(t, urls, "posthorn-test", "room-1", "")
	c := joinMember(t, urls, "posthorn-test", "room-1", "")
	roomScenario(t, a, b, c, true)
}

func TestPasswords(t *testing.T) {
	testutil.RequireNetns(t)
	trk := startTracker(t)
	urls := []string{trk.url()}
	a := joinMember(t, urls, "posthorn-test", "secret-room", "hunter2")
	b := joinMember(t, urls, "posthorn-test", "secret-room", "hunter2")
	a.waitPeers(b)
	b.waitPeers(a)
	ctx := ctxT(t)
	if err := a.acts["chat"].Send(ctx, "sealed", nil); err != nil {
		t.Fatal(err)
	}
	if r := b.recv("chat"); string(r.m.Data) != "sealed" {
		t.Fatalf("b got %q", r.m.Data)
	}

	// c has another password: its offers reach a and b, who cannot decrypt
	// them and say so, naming c.
	c := joinMember(t, urls, "posthorn-test", "secret-room", "swordfish")
	for _, m := range []*member{a, b} {
		m.waitLog("cannot use offer (different password?)", "peer="+c.id)
	}
	for _, m := range []*member{a, b} {
		if m.r.HasPeer(c.id) {
			t.Fatalf("%s connected to c despite the wrong password", m.id)
		}
	}
	if len(c.r.Peers()) != 0 {
		t.Fatalf("c connected to %v", c.r.Peers())
	}
}

// waitLog polls the member's log until a line has every part.
func (m *member) waitLog(parts ...string) {
	m.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !m.log.has(parts...) {
		if time.Now().After(deadline) {
			m.t.Fatalf("%s: nothing logged with %q", m.id, parts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTrackerRestart(t *testing.T) {
	testutil.RequireNetns(t)
	trk := startTracker(t)
	urls := []string{trk.url()}
	a := joinMember(t, urls, "posthorn-test", "restart", "")
	b := joinMember(t, urls, "posthorn-test", "restart", "")
	a.waitPeers(b)
	b.waitPeers(a)

	// The tracker dies; a newcomer joins while it is down; it comes back on
	// the same port. Everyone's socket reconnects and re-announces.
	trk.stop()
	c := joinMember(t, urls, "posthorn-test", "restart", "")
	trk.start()
	c.waitPeers(a, b)
	a.waitPeers(b, c)
	b.waitPeers(a, c)
	if !a.r.HasPeer(b.id) {
		t.Fatal("a and b lost each other across the tracker restart")
	}
	ctx := ctxT(t)
	if err := c.acts["chat"].Send(ctx, "new here", nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*member{a, b} {
		if r := m.recv("chat"); string(r.m.Data) != "new here" || r.from != c.id {
			t.Fatalf("%s got %q from %s", m.id, r.m.Data, r.from)
		}
	}
}
