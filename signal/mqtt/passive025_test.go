package mqtt

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// TestPassive025 joins two passive rooms, which subscribe their root topic
// only and stay quiet, then an active one: the active room meets both
// (each passive room takes its self topic once woken), and the passive
// rooms, which ignore each other's passive messages, have not met when
// the active room has met both (protocol-0.25 §6.5).
func TestPassive025(t *testing.T) {
	broker, _ := startMochiServer(t)
	join := func(passive bool) (*posthorn.Room, string, chan string) {
		s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler), Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond}})
		t.Cleanup(s.Close)
		r, err := s.JoinRoom(strategytest.Ctx(t), posthorn.Config{AppID: "test-app", Protocol: posthorn.Protocol025, Passive: passive,
			RelayURLs: []string{broker.URL}, RTCConfig: &posthorn.RTCConfiguration{}}, "room-1")
		if err != nil {
			t.Fatal(err)
		}
		joined := make(chan string, 8)
		r.OnPeerJoin(func(id string) { joined <- id })
		return r, s.SelfID(), joined
	}
	p1, id1, joined1 := join(true)
	p2, id2, joined2 := join(true)
	_, id3, joined3 := join(false)
	wait := func(who string, joined chan string, want ...string) {
		t.Helper()
		missing := map[string]bool{}
		for _, id := range want {
			missing[id] = true
		}
		for len(missing) > 0 {
			select {
			case id := <-joined:
				if !missing[id] {
					t.Fatalf("%s met %s", who, id)
				}
				delete(missing, id)
			case <-time.After(strategytest.WaitTimeout):
				t.Fatalf("%s never met %v", who, missing)
			}
		}
	}
	wait("the active room", joined3, id1, id2)
	wait("passive 1", joined1, id3)
	wait("passive 2", joined2, id3)
	if _, ok := p1.Peers()[id2]; ok {
		t.Fatal("two passive rooms met")
	}
	if _, ok := p2.Peers()[id1]; ok {
		t.Fatal("two passive rooms met")
	}
}

// TestPassive018: a passive room needs the 0.25 protocol.
func TestPassive018(t *testing.T) {
	s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(s.Close)
	if _, err := s.JoinRoom(strategytest.Ctx(t), posthorn.Config{AppID: "a", Passive: true, RelayURLs: []string{"ws://127.0.0.1:1/mqtt"}}, "r"); err == nil {
		t.Fatal("a passive 0.18 room joined")
	}
}
