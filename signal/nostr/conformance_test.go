package nostr

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/nostrrelay"
)

// harness runs nostr members with quick reconnects and re-announcements
// through our Go relay and, as a third party, @nostr-relay/core (which
// ignores #x filters: every room's events reach every member).
var harness = strategytest.Harness{
	New: func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy {
		s := New(&posthorn.Options{SelfID: selfID, Logger: log, Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: time.Second}})
		s.nudge = 200 * time.Millisecond
		t.Cleanup(s.Close)
		return s
	},
	Config:     posthorn.Config{AnnounceInterval: 2 * time.Second},
	Relay:      strategytest.RelayKind{Name: "go-relay", Start: startRelay},
	ThirdParty: []strategytest.RelayKind{npmRelay.Kind("npm-relay")},
}

func startRelay(t testing.TB) *strategytest.Relay {
	return strategytest.HandlerRelay(t, "/", func() strategytest.HandlerCloser {
		return nostrrelay.New(nostrrelay.Config{Logger: slog.New(slog.DiscardHandler)})
	})
}

// npmRelay is @nostr-relay/core behind ws, from scripts/npm-nostr-relay.
var npmRelay = strategytest.NodeFixture{Dir: "npm-nostr-relay", Script: "relay.js", Module: "@nostr-relay/core"}

func TestConformance(t *testing.T) { strategytest.Run(t, harness) }

// @nostr-relay/core 0.0.40 ignores #x filters on live events, so every
// member receives every room's announcements and signals. They must be
// dropped by the x-tag check, and rooms must stay apart.
func TestUnfilteringRelayKeepsRoomsApart(t *testing.T) {
	testutil.RequireNetns(t)
	urls := []string{npmRelay.Start(t).URL}
	join := func(roomID string) *strategytest.Member {
		return strategytest.Join(t, harness, roomID, posthorn.Config{RelayURLs: urls})
	}
	a, b, c, d := join("room-x"), join("room-x"), join("room-y"), join("room-y")
	a.WaitPeers(t, b)
	b.WaitPeers(t, a)
	c.WaitPeers(t, d)
	d.WaitPeers(t, c)
	a.WaitLog(t, "dropping event for another topic")
	for _, m := range []*strategytest.Member{a, b} {
		if m.Connected(c.ID) || m.Connected(d.ID) {
			t.Fatalf("%s joined a peer of another room", m.ID)
		}
	}
	for _, m := range []*strategytest.Member{c, d} {
		if m.Connected(a.ID) || m.Connected(b.ID) {
			t.Fatalf("%s joined a peer of another room", m.ID)
		}
	}
}

func TestChurn(t *testing.T) { strategytest.RunChurn(t, harness) }

// TestConformance025 runs the suite Go ↔ Go on the 0.25 protocol.
func TestConformance025(t *testing.T) {
	h := harness
	h.Config.Protocol = posthorn.Protocol025
	strategytest.Run(t, h)
}
