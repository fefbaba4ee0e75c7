//go:build !js

package interop

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

var benchTracePing = flag.Bool("trace-ping", false, "BenchmarkVsTrystero: split each ping round trip into its hops")

// channelEvent is one entry of B.channelTrace: "send" or "msg" and when, in
// ms of the browser's shared clock.
type channelEvent struct {
	kind string
	at   float64
}

// tracePings, with -trace-ping, splits each ping that page x sent to page y
// into its five hops, matched in the pages' shared clock from B.pingSpans
// and both pages' B.channelTrace: x's library until its send call, the
// channel until y's message event, y's library until its pong send, the
// channel back, and x's library until the ping's promise settled. It
// prints each hop's median in ms (the browser's clock has 0.1 ms steps
// here).
func tracePings(b *testing.B, x, y *browsertest.Page) {
	b.Helper()
	if !*benchTracePing {
		return
	}
	spans := browsertest.EvalAs[[][2]float64](b, x, "B.pingSpans")
	xs, ys := channelTrace(b, x), channelTrace(b, y)
	names := []string{"x until send", "channel x→y", "y ping → pong", "channel y→x", "x pong → settled"}
	hops := make([][]float64, len(names))
	for _, s := range spans {
		t := []float64{s[0], 0, 0, 0, 0, s[1]}
		ok := true
		for i, want := range []struct {
			ev   []channelEvent
			kind string
		}{{xs, "send"}, {ys, "msg"}, {ys, "send"}, {xs, "msg"}} {
			t[i+1], ok = firstAfter(want.ev, want.kind, t[i])
			if !ok || t[i+1] > s[1] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for i := range hops {
			hops[i] = append(hops[i], t[i+1]-t[i])
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %d of %d pings matched; median ms:", b.Name(), len(hops[0]), len(spans))
	for i, h := range hops {
		if len(h) > 0 {
			fmt.Fprintf(&sb, " %s %.2f;", names[i], median(h))
		}
	}
	fmt.Fprintln(os.Stderr, sb.String()) // b.Log truncates a benchmark's log
}

func channelTrace(b *testing.B, p *browsertest.Page) []channelEvent {
	b.Helper()
	raw := browsertest.EvalAs[[][2]any](b, p, "B.channelTrace")
	out := make([]channelEvent, 0, len(raw))
	for _, e := range raw {
		kind, _ := e[0].(string)
		at, _ := e[1].(float64)
		out = append(out, channelEvent{kind, at})
	}
	slices.SortStableFunc(out, func(a, b channelEvent) int { return cmp.Compare(a.at, b.at) })
	return out
}

// firstAfter returns the time of the first event of kind at or after t.
func firstAfter(evs []channelEvent, kind string, t float64) (float64, bool) {
	for _, e := range evs {
		if e.kind == kind && e.at >= t {
			return e.at, true
		}
	}
	return 0, false
}
