package firebase

import (
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestSimultaneousJoin forces the 0.18 race of two peers that join at the
// same instant: each finds the other's node in its first read of the room
// (the nodes are written before either joins), so under 0.18's rule each
// waits for the other's offer forever. posthorn peers offer after
// SilentPeerDelay; when their offers cross the glare rule keeps one, and
// the pair connects exactly once.
func TestSimultaneousJoin(t *testing.T) {
	testutil.RequireNetns(t)
	url := server.Start(t).URL
	const low, high = "0000000000000000000a", "zzzzzzzzzzzzzzzzzzzz"
	w := dial(t, url, "__trystero__/race")
	w.put("__trystero__/race/"+low, map[string]any{"_": true})
	w.put("__trystero__/race/"+high, map[string]any{"_": true})

	logs := map[string]*testutil.LogRecorder{low: {}, high: {}}
	joined := make(chan string, 4)
	var wg sync.WaitGroup
	for _, id := range []string{low, high} {
		s := New(&posthorn.Options{SelfID: id, Logger: slog.New(logs[id])})
		t.Cleanup(s.Close)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.JoinRoom(ctxT(t), posthorn.Config{AppID: url, RTCConfig: &posthorn.RTCConfiguration{}}, "race")
			if err != nil {
				t.Error(err)
				return
			}
			r.OnPeerJoin(func(peer string) { joined <- id + " met " + peer })
		}()
	}
	wg.Wait()
	want := map[string]bool{low + " met " + high: true, high + " met " + low: true}
	for len(want) > 0 {
		select {
		case j := <-joined:
			if !want[j] {
				t.Fatalf("unexpected join %q", j)
			}
			delete(want, j)
		case <-time.After(strategytest.WaitTimeout):
			t.Fatalf("never met: %v", want)
		}
	}
	// both made their late offer, or found the other's attempt in place;
	// nothing can start a second connection after that
	for id, l := range logs {
		select {
		case <-l.Seen("may not offer"):
		case <-time.After(strategytest.WaitTimeout):
			t.Fatalf("%s never checked on the other", id)
		}
	}
	for id, l := range logs {
		if n := l.Count("peer connected"); n != 1 {
			t.Fatalf("%s connected %d times", id, n)
		}
	}
}
