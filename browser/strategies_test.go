//go:build !js

package browser

import (
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestStrategies: two pages meet through posthorn-nostr.wasm and
// posthorn-mqtt.wasm ('posthorn/nostr', 'posthorn/mqtt') on the Go relays
// and exchange a message and a ping.
func TestStrategies(t *testing.T) { browsertest.ForEach(t, testStrategies) }

func testStrategies(t *testing.T, k browsertest.Kind) {
	for _, s := range []string{"nostr", "mqtt"} {
		t.Run(s, func(t *testing.T) {
			e := newEnvIn(t, k, s)
			p1, p2, id1, id2 := e.twoPages("strategies")
			p1.Eval(t, `(() => { window.got = []; room.makeAction('hi')[1]((d, id) => got.push([d, id])); return true })()`, nil)
			p2.Eval(t, `room.makeAction('hi')[0]({from: 'p2'}, null).then(() => true)`, nil)
			p1.WaitFor(t, "got.length === 1 && got[0][0].from === 'p2' && got[0][1] === "+jsString(id2), 0)
			if ms := browsertest.EvalAs[float64](t, p2, "room.ping("+jsString(id1)+")"); ms < 0 {
				t.Fatalf("ping %v", ms)
			}
			if st := browsertest.EvalAs[int](t, p1, "getRelaySockets()["+jsString(e.tracker)+"].readyState"); st != 1 {
				t.Fatalf("relay socket readyState %d, want 1 (open)", st)
			}
		})
	}
}
