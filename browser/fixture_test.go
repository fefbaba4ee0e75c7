//go:build !js

package browser

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/relay/tracker"
)

// browserFlag picks the browser of newEnv, which the benchmarks use:
// go test ./browser -bench . -args -browser firefox, or
// POSTHORN_BROWSER=firefox. The tests run in every browser
// (browsertest.ForEach).
var browserFlag = flag.String("browser", cmp.Or(os.Getenv(browsertest.BrowserEnv), string(browsertest.Chromium)),
	"browser of the benchmarks: chromium or firefox (default $"+browsertest.BrowserEnv+", else chromium)")

// buildDist returns dist/ with every bundle built (browsertest.Dist); it
// skips t before building when browser k is missing.
func buildDist(t testing.TB, k browsertest.Kind) string {
	t.Helper()
	testutil.RequireNetns(t)
	if k.Path() == "" {
		t.Skipf("no %s installed", k)
	}
	return browsertest.Dist(t)
}

// goRelay is the Go relay of a strategy (the WebTorrent tracker, the Nostr
// relay or the MQTT broker) on a fixed loopback port; it can be restarted.
type goRelay struct {
	t        testing.TB
	strategy string
	addr     string
	url      string
	stop     func() // stops the running instance
}

// startGoRelay starts strategy's relay until t ends.
func startGoRelay(t testing.TB, strategy string) *goRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &goRelay{t: t, strategy: strategy, addr: ln.Addr().String()}
	r.url = "ws://" + r.addr + "/"
	r.serve(ln)
	t.Cleanup(func() { r.stop() })
	return r
}

// serve runs a fresh relay instance on ln.
func (r *goRelay) serve(ln net.Listener) {
	quiet := slog.New(slog.DiscardHandler)
	var h interface {
		http.Handler
		Close() error
	}
	switch r.strategy {
	case "torrent":
		h = tracker.New(tracker.Config{Logger: quiet})
	case "nostr":
		h = nostrrelay.New(nostrrelay.Config{Logger: quiet})
	case "mqtt":
		h = mqttbroker.New(mqttbroker.Config{Logger: quiet})
	default:
		r.t.Fatalf("unknown strategy %q", r.strategy)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	r.stop = func() { srv.Close(); h.Close() }
}

// restart stops the relay, dropping every connection and all its state,
// and starts a new instance on the same port.
func (r *goRelay) restart() {
	r.t.Helper()
	r.stop()
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		r.t.Fatalf("relay restart: %v", err)
	}
	r.serve(ln)
}

// env is one browser, the package server and a relay.
type env struct {
	t        testing.TB
	kind     browsertest.Kind
	b        *browsertest.Browser
	srv      *browsertest.Server
	strategy string
	restart  func()   // restarts the relay on the same URL, losing its state
	tracker  string   // the relay's URL
	dead     []string // relay URLs where nothing listens, listed first in relayUrls
}

// newEnv is newEnvIn the browser of -browser with BitTorrent.
func newEnv(t testing.TB) *env {
	k, err := browsertest.ParseKind(*browserFlag)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvIn(t, k, "torrent")
}

// newEnvIn starts a browser of kind k, the package server and a relay of
// strategy.
func newEnvIn(t testing.TB, k browsertest.Kind, strategy string) *env {
	dist := buildDist(t, k)
	r := startGoRelay(t, strategy)
	e := &env{t: t, kind: k, strategy: strategy, tracker: r.url, restart: r.restart}
	e.b = browsertest.LaunchKind(t, k)
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
	return e.pageIn(e.b, name)
}

// pageIn is page in browser b.
func (e *env) pageIn(b *browsertest.Browser, name string) *browsertest.Page {
	e.t.Helper()
	p := b.NewNamedPage(e.t, name, e.srv.URL+"/test.html")
	p.WaitFor(e.t, "window.loaded === true", 0)
	return p
}

// config is the JS config object of the tests' rooms: the local tracker
// and no ICE servers (loopback only).
func (e *env) config(extra string) string {
	relays, _ := json.Marshal(append(append([]string(nil), e.dead...), e.tracker))
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

// twoPages opens pages p1 and p2, joins both to room ns and waits until
// each sees the other.
func (e *env) twoPages(ns string) (p1, p2 *browsertest.Page, id1, id2 string) {
	e.t.Helper()
	p1, p2 = e.page("p1"), e.page("p2")
	id1, id2 = selfID(e.t, p1), selfID(e.t, p2)
	e.join(p1, ns, "")
	e.join(p2, ns, "")
	waitPeers(e.t, p1, id2)
	waitPeers(e.t, p2, id1)
	return p1, p2, id1, id2
}
