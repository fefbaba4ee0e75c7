package topic_test

import (
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/signal/topic"
)

// TestGlare: two peers subscribed before either announces both hear the
// other and both offer (wire-0.18 §4.5). Exactly one offer must be
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
			a := subscribed(t, topic.Config{SelfID: tc.first, AnnounceInterval: -1}, h)
			b := subscribed(t, topic.Config{SelfID: tc.second, AnnounceInterval: -1}, h)
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
