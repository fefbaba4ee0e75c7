//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay"
	"github.com/posthorn/posthorn/relay/waku"
)

// Helpers that drive the demo page in a headless browser the way a person
// would: through its form fields and buttons, reading back what it shows.

// distDir is the built npm package the demo serves under /posthorn/.
const distDir = "../../dist"

// peerTimeout bounds waiting for WebRTC sessions, which on a loaded
// two-core machine can take a while to set up (wasm compiles per page).
const peerTimeout = 90 * time.Second

// builtStrategies builds dist/ if it is stale (browsertest.Dist) and lists
// the strategies startDemo offers, torrent first (ipfs through its
// embedded Waku node).
func builtStrategies(t *testing.T) []string {
	t.Helper()
	testutil.RequireNetns(t)
	dist := browsertest.Dist(t)
	var out []string
	for _, s := range []string{"torrent", "nostr", "mqtt", "ipfs"} {
		if _, err := os.Stat(filepath.Join(dist, "posthorn-"+s+".wasm")); err == nil {
			out = append(out, s)
		}
	}
	if len(out) == 0 || out[0] != "torrent" {
		t.Fatalf("dist/ has no torrent bundle after building (found %v)", out)
	}
	return out
}

// startDemo serves the demo exactly as main does, relay, TURN server and
// Waku service node included, on loopback ports, and returns its base URL.
func startDemo(t *testing.T) string { return startDemoFirebase(t, "") }

// startDemoFirebase is startDemo with a Firebase database (-firebase).
func startDemoFirebase(t *testing.T, firebaseDB string) string {
	t.Helper()
	testutil.RequireNetns(t)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := relay.New(relay.Config{Logger: log})
	turnSrv, ice, err := startTURN("127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	n, err := waku.New(t.Context(), &waku.Options{ListenAddr: waku.DefaultListenAddr, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	r.AddService("waku", n, n.Close) // closed with r, as in main
	srv := httptest.NewServer(newHandler(r, "../../web", distDir, []iceServer{ice}, firebaseDB, n.Multiaddrs()))
	t.Cleanup(func() {
		r.Close() // hijacked WebSockets first: srv.Close waits for them
		srv.Close()
		turnSrv.Close()
	})
	return srv.URL
}

// pageNo numbers the pages, whose names also say their browser:
// "firefox-2".
var pageNo atomic.Int32

// demoPage is one tab of the demo.
type demoPage struct {
	*browsertest.Page
	t  *testing.T
	id string // selfId once joined
}

// openDemo opens the demo in a new tab and joins room with strategy.
func openDemo(t *testing.T, b *browsertest.Browser, base, room, strategy string) *demoPage {
	t.Helper()
	return openDemoPassword(t, b, base, room, strategy, "")
}

// openDemoPassword is openDemo with a password typed in the form.
func openDemoPassword(t *testing.T, b *browsertest.Browser, base, room, strategy, password string) *demoPage {
	t.Helper()
	name := fmt.Sprintf("%s-%d", b.Kind(), pageNo.Add(1))
	p := &demoPage{Page: b.NewNamedPage(t, name, base+"/?room="+room+"&strategy="+strategy), t: t}
	p.join(strategy, password)
	return p
}

// join types the password and presses Join once the page has found its
// wasm builds.
func (p *demoPage) join(strategy, password string) {
	p.t.Helper()
	p.WaitFor(p.t, `!document.getElementById('join-btn').disabled`, peerTimeout)
	p.Eval(p.t, `document.getElementById('password').value = `+jsString(password), nil)
	if got := browsertest.EvalAs[string](p.t, p.Page, `document.getElementById('strategy').value`); got != strategy {
		p.t.Fatalf("%s: strategy picker shows %q, want %q", p.Name, got, strategy)
	}
	p.Eval(p.t, `document.getElementById('join-btn').click()`, nil)
	p.WaitFor(p.t, `document.body.dataset.joined === `+jsString(strategy), peerTimeout)
	p.id = browsertest.EvalAs[string](p.t, p.Page, `posthornDemo.selfId`)
	if shown := browsertest.EvalAs[string](p.t, p.Page, `document.getElementById('self-id').textContent`); shown != p.id || p.id == "" {
		p.t.Fatalf("%s: page shows self id %q, selfId is %q", p.Name, shown, p.id)
	}
}

// peers returns the peer ids the page lists.
func (p *demoPage) peers() []string {
	p.t.Helper()
	return browsertest.EvalAs[[]string](p.t, p.Page, `[...document.querySelectorAll('#peers li[data-peer]')].map(li => li.dataset.peer)`)
}

// waitPeers waits until the page lists exactly the given peers, and shows
// that many in its counter.
func (p *demoPage) waitPeers(others ...*demoPage) {
	p.t.Helper()
	ids := make([]string, len(others))
	for i, o := range others {
		ids[i] = o.id
	}
	p.WaitFor(p.t, fmt.Sprintf(`(() => {
		const want = %s, have = [...document.querySelectorAll('#peers li[data-peer]')].map(li => li.dataset.peer)
		return have.length === want.length && want.every(id => have.includes(id)) &&
			document.getElementById('peer-count').textContent === String(want.length)
	})()`, jsValue(ids)), peerTimeout)
}

// say sends a chat message through the form.
func (p *demoPage) say(text string) {
	p.t.Helper()
	p.Eval(p.t, `(() => {
		document.getElementById('chat-input').value = `+jsString(text)+`
		document.querySelector('#chat-form button').click()
	})()`, nil)
}

// waitChat waits for text from the page of from to appear in p's chat.
func (p *demoPage) waitChat(from *demoPage, text string) {
	p.t.Helper()
	p.WaitFor(p.t, `[...document.querySelectorAll('#messages li[data-from=`+jsString(from.id)+`]')].some(li => li.textContent.endsWith(`+jsString(text)+`))`, peerTimeout)
}

// waitSystem waits for a system line (joined/left) mentioning id.
func (p *demoPage) waitSystem(id, word string) {
	p.t.Helper()
	p.WaitFor(p.t, `[...document.querySelectorAll('#messages li.system')].some(li => li.textContent === `+jsString(id[:6]+" "+word)+`)`, peerTimeout)
}

// click presses the button with the given id.
func (p *demoPage) click(id string) {
	p.t.Helper()
	p.Eval(p.t, `document.getElementById(`+jsString(id)+`).click()`, nil)
}

// moveMouse moves the browser's real mouse to the fraction (fx, fy) of the
// shared cursor area.
func (p *demoPage) moveMouse(fx, fy float64) {
	p.t.Helper()
	var r struct{ X, Y, W, H float64 }
	p.Eval(p.t, `(() => {
		const el = document.getElementById('playground')
		el.scrollIntoView({block: 'center'})
		const r = el.getBoundingClientRect()
		return {X: r.left, Y: r.top, W: r.width, H: r.height}
	})()`, &r)
	p.MouseMove(p.t, r.X+fx*r.W, r.Y+fy*r.H)
}

// setFiles puts paths on the file input, as picking them in the dialog
// would (the input fires its change event).
func (p *demoPage) setFiles(paths ...string) {
	p.t.Helper()
	p.SetFiles(p.t, "#file-input", paths...)
}

// viewport resizes the page, with scrollbars that take no room, so
// full-page screenshots are as wide as the viewport; mobile emulates a
// phone where the browser can (browsertest.Page.SetViewport).
func (p *demoPage) viewport(w, h int64, mobile bool) {
	p.t.Helper()
	p.SetViewport(p.t, w, h, mobile)
}

// fullScreenshot saves a PNG of the whole page (beyond the viewport) in the
// artefacts folder and returns its bytes.
func (p *demoPage) fullScreenshot(label string) []byte {
	p.t.Helper()
	png := p.FullScreenshot(p.t)
	dir, err := browsertest.ArtefactsDir()
	if err != nil {
		p.t.Fatal(err)
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(p.t.Name() + "-" + label + "-" + p.Name + ".png")
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s", path)
	return png
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return jsValue(s) }

// jsValue writes v as a JavaScript literal (JSON).
func jsValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
