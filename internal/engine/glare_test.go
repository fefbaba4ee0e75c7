package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
)

// TestGlare: two peers subscribed before either announces both hear the
// other and both offer (protocol-0.18 §4.5). Exactly one offer must be
// answered, the lower id's, so that the pair makes one connection, whichever
// peer announced first.
func TestGlare(t *testing.T) {
	testutil.RequireNetns(t)
	const low, high = "0000000000lowerpeer0", "zzzzzzzzzzhigherpeer"
	for _, tc := range []struct{ name, first, second string }{
		{"lower id announces first", low, high},
		{"higher id announces first", high, low},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub("mem://glare")
			h.holdOffers = 2 // the offers cross, however the two gatherings interleave
			// Offers never go stale here (TestGlareWithStaleOffers covers
			// that): on a loaded machine one side's ICE gathering may end
			// seconds after the other's.
			a := subscribed(t, tcfg{SelfID: tc.first, AnnounceInterval: -1, NudgeDelay: time.Hour}, h)
			b := subscribed(t, tcfg{SelfID: tc.second, AnnounceInterval: -1, NudgeDelay: time.Hour}, h)
			a.ready(h) // b hears a and offers
			b.ready(h) // a hears b and offers
			a.waitJoins(t, b.id)
			b.waitJoins(t, a.id)

			byID := map[string]*member{a.id: a, b.id: b}
			answers := map[string]int{}
			for id, m := range byID {
				for _, p := range h.published(m.s.SelfTopic()) {
					if strings.Contains(p.payload, `"answer"`) {
						answers[id]++
					}
				}
			}
			if answers[low] != 1 || answers[high] != 0 {
				t.Fatalf("answers published to the lower id: %d, to the higher id: %d; want 1 and 0",
					answers[low], answers[high])
			}
		})
	}
}

// TestGlareWithStaleOffers: two offers cross, and one or both are already
// older than NudgeDelay when the other arrives. A stale offer no longer wins
// a glare, but it is not withdrawn either: if the other side withdrew its
// own offer (fresh there, and the higher id's), ours is the one left to
// answer. Attempts never expire here, so a pair that withdrew both offers
// would never connect.
func TestGlareWithStaleOffers(t *testing.T) {
	testutil.RequireNetns(t)
	const low, high = "0000000000lowerpeer0", "zzzzzzzzzzhigherpeer"
	const always, never = time.Nanosecond, time.Hour // NudgeDelay: offers stale at once, or never
	for _, tc := range []struct {
		name           string
		lowNudge, high time.Duration
	}{
		{"the lower id's offer is stale", always, never},
		{"the higher id's offer is stale", never, always},
		{"both are stale", always, always},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub("mem://glare")
			h.holdOffers = 2 // the offers cross
			cfg := func(id string, nudge time.Duration) tcfg {
				return tcfg{SelfID: id, AnnounceInterval: -1, AttemptTimeout: time.Hour, NudgeDelay: nudge}
			}
			a := subscribed(t, cfg(low, tc.lowNudge), h)
			b := subscribed(t, cfg(high, tc.high), h)
			a.ready(h)
			b.ready(h)
			a.waitJoins(t, b.id)
			b.waitJoins(t, a.id)
		})
	}
}
