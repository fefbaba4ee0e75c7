package strategytest

import (
	"slices"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
)

// RunPassive025 runs the passive-room case for a strategy that runs
// passive Protocol025 rooms (protocol-0.25 §6.5), through h.Relay: two
// passive rooms, which listen on the root topic only and stay quiet, then
// an active one. The active room meets both (each passive room takes its
// self topic once woken), and the passive rooms, which ignore each other's
// passive messages, have not met by the time the active room has met both.
func RunPassive025(t *testing.T, h Harness) {
	testutil.RequireNetns(t)
	h = h.withDefaults()
	relay := h.Relay.Start(t)
	cfg := func(passive bool) posthorn.Config {
		return posthorn.Config{Protocol: posthorn.Protocol025, Passive: passive, RelayURLs: []string{relay.URL}}
	}
	p1 := Join(t, h, "passive-room", cfg(true))
	p2 := Join(t, h, "passive-room", cfg(true))
	active := Join(t, h, "passive-room", cfg(false))
	active.WaitPeers(t, p1, p2)
	p1.WaitPeers(t, active)
	p2.WaitPeers(t, active)
	for _, pair := range [][2]*Member{{p1, p2}, {p2, p1}} {
		if joins, _ := pair[0].Events(); slices.Contains(joins, pair[1].ID) {
			t.Fatalf("the passive rooms %s and %s met", pair[0].ID, pair[1].ID)
		}
	}
}
