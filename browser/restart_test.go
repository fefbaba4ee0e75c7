//go:build !js

package browser

import (
	"net"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// relayBackTimeout bounds the wait for the pages to meet after the relay
// restarted: their sockets retry after 1 s, doubling, with jitter.
const relayBackTimeout = 60 * time.Second

// TestRelayRestartAndDeadRelay runs the wasm build of every strategy with a
// dead relay listed before the live one (the pages meet anyway), then
// restarts the live relay mid-session, losing all its state: the pages'
// sockets reconnect, subscribe and announce again, so a newcomer meets
// both, and the first two stay connected throughout. (Trystero 0.18's
// nostr and mqtt strategies never reconnect.)
func TestRelayRestartAndDeadRelay(t *testing.T) { browsertest.ForEach(t, testRelayRestartAndDeadRelay) }

// restartStrategies are the relays each browser restarts: every one in
// Chromium; in Firefox the torrent tracker and the Go MQTT broker, whose
// sockets' reconnects are the same Go code as the others', for time.
var restartStrategies = map[browsertest.Kind][]string{
	browsertest.Chromium: {"torrent", "nostr", "mqtt", "mqtt-aedes"},
	browsertest.Firefox:  {"torrent", "mqtt"},
}

func testRelayRestartAndDeadRelay(t *testing.T, k browsertest.Kind) {
	for _, s := range restartStrategies[k] {
		t.Run(s, func(t *testing.T) {
			var e *env
			if s == "mqtt-aedes" {
				e = newEnvOnAedes(t, k)
			} else {
				e = newEnvIn(t, k, s)
			}
			e.dead = []string{deadURL(t)}
			p1, p2, id1, id2 := e.twoPages("restart")

			// The old connections die with the relay: p3 can only meet p1
			// and p2 through sockets they opened again.
			e.restart()
			p3 := e.page("p3")
			id3 := selfID(t, p3)
			e.join(p3, "restart", "")
			all := `[...peers].length === 2`
			p3.WaitFor(t, all, relayBackTimeout)
			p1.WaitFor(t, all, relayBackTimeout)
			p2.WaitFor(t, all, relayBackTimeout)
			waitPeers(t, p3, id1, id2)
			waitPeers(t, p1, id2, id3)
			waitPeers(t, p2, id1, id3)
			for name, p := range map[string]*browsertest.Page{"p1": p1, "p2": p2} {
				if left := browsertest.EvalAs[[]string](t, p, "left"); len(left) != 0 {
					t.Errorf("%s saw %v leave while the relay restarted", name, left)
				}
				states := browsertest.EvalAs[map[string]struct{ ReadyState int }](t, p, "getRelaySockets()")
				if live, dead := states[e.tracker].ReadyState, states[e.dead[0]].ReadyState; live != 1 || dead == 1 {
					t.Errorf("%s: readyState %d for the live relay (want 1, open), %d for the dead one", name, live, dead)
				}
			}
		})
	}
}

// deadURL returns a ws:// URL on loopback where nothing listens.
func deadURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "ws://" + addr + "/"
}

// newEnvOnAedes is newEnvFor the mqtt strategy with npm aedes, an MQTT
// 3.1.1-only broker, as the relay.
func newEnvOnAedes(t *testing.T, k browsertest.Kind) *env {
	e := newEnvIn(t, k, "mqtt")
	aedes := strategytest.NodeFixture{Dir: "npm-aedes", Script: "broker.js", Module: "aedes", URLPath: "/mqtt"}.Start(t)
	e.tracker = aedes.URL
	e.restart = func() {
		aedes.Stop()
		aedes.Start()
	}
	return e
}
