//go:build !js

package browser

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/relay/tracker"
)

// buildDist returns dist/ with every bundle built (browsertest.Dist).
func buildDist(t testing.TB) string {
	t.Helper()
	testutil.RequireNetns(t)
	if browsertest.ChromiumPath() == "" {
		t.Skip("no Chromium installed")
	}
	return browsertest.Dist(t)
}

// startRelay runs the Go relay of a strategy (the WebTorrent tracker, the
// Nostr relay or the MQTT broker) on a loopback port and returns its ws://
// URL.
func startRelay(t testing.TB, strategy string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	var h http.Handler
	var stop func()
	switch strategy {
	case "torrent":
		s := tracker.New(tracker.Config{Logger: quiet})
		h, stop = s, func() { s.Close() }
	case "nostr":
		s := nostrrelay.New(nostrrelay.Config{Logger: quiet})
		h, stop = s, func() { s.Close() }
	case "mqtt":
		s := mqttbroker.New(mqttbroker.Config{Logger: quiet})
		h, stop = s, func() { s.Close() }
	default:
		t.Fatalf("unknown strategy %q", strategy)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close(); stop() })
	return "ws://" + ln.Addr().String() + "/"
}

// env is one browser, the package server and a relay.
type env struct {
	t        testing.TB
	b        *browsertest.Browser
	srv      *browsertest.Server
	strategy string
	tracker  string // the relay's URL
}

// newEnv is newEnvFor the default strategy, BitTorrent.
func newEnv(t testing.TB) *env { return newEnvFor(t, "torrent") }

// newEnvFor starts a browser, the package server and a relay of strategy.
func newEnvFor(t testing.TB, strategy string) *env {
	dist := buildDist(t)
	e := &env{t: t, strategy: strategy, tracker: startRelay(t, strategy)}
	e.b = browsertest.Launch(t)
	e.srv = browsertest.Serve(t, dist)
	e.srv.AddFile("/test.html", []byte(strings.ReplaceAll(testPage, "STRATEGY", strategy)))
	return e
}

// testPage loads the package the way the seed's script-tag form does and
// exposes it (and a log of events) on window.
const testPage = `<!doctype html>
<meta charset="utf-8">
<title>posthorn test</title>
<script src="wasm_exec.js"></script>
<script type="module">
import {joinRoom, selfId, getRelaySockets} from './posthorn-STRATEGY.mjs'
window.trystero = {joinRoom, selfId, getRelaySockets}
window.getRelaySockets = getRelaySockets
window.joinRoom = joinRoom
window.selfId = selfId
window.events = []
window.record = (...a) => events.push(a)
window.bytes = d => Array.from(new Uint8Array(d))
window.loaded = true
</script>
`

// page opens a test page and waits until the module has loaded.
func (e *env) page(name string) *browsertest.Page {
	e.t.Helper()
	p := e.b.NewNamedPage(e.t, name, e.srv.URL+"/test.html")
	p.WaitFor(e.t, "window.loaded === true", 0)
	return p
}

// config is the JS config object of the tests' rooms: the local tracker
// and no ICE servers (loopback only).
func (e *env) config(extra string) string {
	relays, _ := json.Marshal([]string{e.tracker})
	return fmt.Sprintf(`{appId: 'san_narciso_3d', relayUrls: %s, rtcConfig: {iceServers: []}%s}`, relays, extra)
}

// selfID returns a page's selfId.
func selfID(t testing.TB, p *browsertest.Page) string {
	return browsertest.EvalAs[string](t, p, "selfId")
}

// join makes the page join ns as window.room, recording peer joins and
// leaves in window.peers / window.left.
func (e *env) join(p *browsertest.Page, ns, extra string) {
	e.t.Helper()
	p.Eval(e.t, fmt.Sprintf(`(() => {
  const config = %s
  window.config = config
  window.room = joinRoom(config, %q)
  window.peers = new Set()
  window.left = []
  room.onPeerJoin(peerId => peers.add(peerId))
  room.onPeerLeave(peerId => { peers.delete(peerId); left.push(peerId) })
  return true
})()`, e.config(extra), ns), nil)
}

// waitPeers waits until p sees every one of ids.
func waitPeers(t testing.TB, p *browsertest.Page, ids ...string) {
	t.Helper()
	js, _ := json.Marshal(ids)
	p.WaitFor(t, fmt.Sprintf("%s.every(id => peers.has(id))", js), 0)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
