package nostr

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/relay/nostrrelay"
)

// TestResubscribeAfterClosed: a relay that CLOSEs a room's subscriptions
// (NIP-01; here our relay at its limit of two subscriptions per connection)
// is asked again until it accepts, and the room then meets its peers.
// Trystero 0.18 never asks again.
func TestResubscribeAfterClosed(t *testing.T) {
	relay := strategytest.HandlerRelay(t, "/", func() strategytest.HandlerCloser {
		return nostrrelay.New(nostrrelay.Config{MaxSubscriptions: 2, Logger: slog.New(slog.DiscardHandler)})
	})
	h := harness
	h.New = func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy {
		s := New(&posthorn.Options{SelfID: selfID, Logger: log, Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond}})
		s.nudge = 200 * time.Millisecond
		t.Cleanup(s.Close)
		return s
	}
	cfg := posthorn.Config{RelayURLs: []string{relay.URL}, AnnounceInterval: 500 * time.Millisecond}

	// x fills its connection's two subscriptions with room a, proven by
	// meeting y there.
	x := strategytest.Join(t, h, "room-a", cfg)
	y := strategytest.Join(t, h, "room-a", cfg)
	x.WaitPeers(t, y)

	// Room b on the same connection: the relay CLOSEs both subscriptions.
	xcfg := cfg
	xcfg.AppID = strategytest.DefaultAppID
	xb, err := x.Strategy.JoinRoom(strategytest.Ctx(t), xcfg, "room-b")
	if err != nil {
		t.Fatal(err)
	}
	z := strategytest.Join(t, h, "room-b", cfg)
	x.WaitLog(t, "relay closed a subscription; subscribing again", "too many subscriptions")

	// Leaving room a frees the slots; the retries get in and b meets z.
	if err := x.Room.Leave(); err != nil {
		t.Fatal(err)
	}
	strategytest.Eventually(t, "x and z meeting in room b", func() bool {
		_, ok := xb.Peers()[z.ID]
		return ok && z.Connected(x.ID)
	})
}
