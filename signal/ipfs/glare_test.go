//go:build !js

package ipfs

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestSimultaneousAnnounce: two members join a room at the same instant
// and announce every 20 ms, so each usually hears the other's
// announcement before the other's offer and both offer (glare). However
// the announcements cross, the pair connects once: one "peer connected"
// and one onPeerJoin on each side, in every round.
func TestSimultaneousAnnounce(t *testing.T) {
	testutil.RequireNetns(t)
	addr := startNode(t).URL
	const rounds = 4
	glare := 0
	for round := range rounds {
		room := fmt.Sprintf("glare-%d", round)
		logs := [2]*strategytest.Log{strategytest.NewLog(), strategytest.NewLog()}
		joins := [2]chan string{make(chan string, 8), make(chan string, 8)}
		ss := [2]*Strategy{}
		rooms := [2]*posthorn.Room{}
		for i := range ss {
			ss[i] = New(&posthorn.Options{Logger: slog.New(logs[i])})
		}
		var wg sync.WaitGroup
		for i := range ss {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := ss[i].JoinRoom(strategytest.Ctx(t), posthorn.Config{
					AppID: "test-app", RelayURLs: []string{addr}, RTCConfig: &webrtc.Configuration{},
					AnnounceInterval: 20 * time.Millisecond,
				}, room)
				if err != nil {
					t.Error(err)
					return
				}
				r.OnPeerJoin(func(id string) { joins[i] <- id })
				rooms[i] = r
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for i := range ss {
			if got := next(t, joins[i], "join"); got != ss[1-i].SelfID() {
				t.Fatalf("round %d: %d met %q", round, i, got)
			}
		}
		// Both attempts are settled once each side logged its connection;
		// a second connection would have come from an attempt started
		// before it, which the engine abandons or the glare rule refuses.
		for i := range ss {
			if err := logs[i].Wait(strategytest.Ctx(t), "peer connected"); err != nil {
				t.Fatal(err)
			}
		}
		both := logs[0].Has("offering to announced peer") && logs[1].Has("offering to announced peer")
		if both {
			glare++
		}
		for i := range ss {
			ss[i].Close()
			<-rooms[i].Done()
			if n := logs[i].Count("peer connected"); n != 1 {
				t.Fatalf("round %d: member %d connected %d times (both offered: %v)", round, i, n, both)
			}
			select {
			case id := <-joins[i]:
				t.Fatalf("round %d: member %d met %s twice", round, i, id)
			default:
			}
		}
	}
	t.Logf("both members offered in %d of %d rounds", glare, rounds)
}
