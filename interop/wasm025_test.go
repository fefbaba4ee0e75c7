//go:build !js

package interop

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// posthorn's Trystero 0.25 JS API (posthorn/v025/<strategy>, the
// strategy's wasm) in one headless Chromium page and the real
// @trystero-p2p/<strategy>@0.25.4 in another, both driven by
// js025/harness025.js: the posthorn page's copy differs only in its import
// line, which is the promise of the API.

const realImport = `from '/trystero025.js'`

// assetsWasm025 is assets025's folder for pkg plus posthorn's npm package
// under posthorn/ and a posthorn.html whose harness imports
// posthorn/v025/<pkg>.
func assetsWasm025(t *testing.T, pkg string) string {
	t.Helper()
	dir := assets025(t, pkg)
	if err := os.Symlink(browsertest.Dist(t), filepath.Join(dir, wasmDir)); err != nil {
		t.Fatal(err)
	}
	h, err := os.ReadFile(filepath.Join(dir, "harness025.js"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(h), realImport) != 1 {
		t.Fatalf("harness025.js does not import %s once", realImport)
	}
	ph := strings.Replace(string(h), realImport, `from '/`+wasmDir+`/v025/`+pkg+`.mjs'`, 1)
	html := strings.Replace(index025HTML, "/harness025.js", "/harness025-posthorn.js", 1)
	for name, b := range map[string]string{"harness025-posthorn.js": ph, "posthorn.html": html} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type progress025 struct {
	Action string  `json:"action"`
	ID     string  `json:"id"`
	Pct    float64 `json:"pct"`
	Meta   any     `json:"meta"`
}

func openHarness(t *testing.T, b *browsertest.Browser, site *browsertest.Server, name, page string) *page025 {
	t.Helper()
	p := b.NewNamedPage(t, name, site.URL+"/"+page)
	p.WaitFor(t, "window.H && H.selfId", 0)
	return &page025{page: p, id: browsertest.EvalAs[string](t, p, "H.selfId")}
}

// TestWasmMQTT025 meets posthorn's posthorn/v025/mqtt page with the real
// @trystero-p2p/mqtt one through the Go MQTT broker (see runWasm025).
func TestWasmMQTT025(t *testing.T) { runWasm025(t, mqtt025, nil) }

// TestWasmNostr025 is runWasm025 for posthorn/v025/nostr and the real
// @trystero-p2p/nostr through the Go nostr relay. The real package also
// exports its event helpers createEvent and subscribe, which posthorn's,
// whose relay sockets live in Go, does not.
func TestWasmNostr025(t *testing.T) { runWasm025(t, nostr025, []string{"createEvent", "subscribe"}) }

// TestWasmTorrent025 is runWasm025 for posthorn/v025/torrent and the real
// @trystero-p2p/torrent through the Go tracker.
func TestWasmTorrent025(t *testing.T) { runWasm025(t, torrent025, nil) }

// runWasm025 meets posthorn's 0.25 page of st with the real one through
// st's Go relay. First the modules: posthorn's exports the real package's
// names but for lacking, and the same defaultRelayUrls. Then without and
// with a password, either page joining first: a string with metadata and a binary
// of seven chunks with metadata each way (progress on both ends), a ping
// each way, and a leave seen by the other side. Then different passwords:
// the page that receives the offer reports onJoinError naming the other,
// and nobody joins.
func runWasm025(t *testing.T, st strategy025, lacking []string) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assetsWasm025(t, st.pkg))
	relays := []string{st.relay(t)}

	t.Run("exports", func(t *testing.T) {
		ph := openHarness(t, b, site, "posthorn", "posthorn.html")
		real := openHarness(t, b, site, "trystero", "index.html")
		got := browsertest.EvalAs[[]string](t, ph.page, "H.exports")
		want := slices.DeleteFunc(browsertest.EvalAs[[]string](t, real.page, "H.exports"), func(n string) bool { return slices.Contains(lacking, n) })
		if !slices.Equal(got, want) {
			t.Errorf("posthorn/v025/%s exports %v; @trystero-p2p/%[1]s %v (less %v)", st.pkg, got, want, lacking)
		}
		got = browsertest.EvalAs[[]string](t, ph.page, "H.defaultRelayUrls")
		want = browsertest.EvalAs[[]string](t, real.page, "H.defaultRelayUrls")
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("posthorn's defaultRelayUrls %v, Trystero's %v", got, want)
		}
	})

	// posthorn's module exports 0.25's relay pause and resume where the real
	// package does (torrent and nostr; mqtt does not); a page that paused
	// and resumed before joining meets the other as usual. Their effect on
	// reconnection is tested in internal/socket, signal/mqtt and browser's
	// TestPauseRelayReconnection025.
	t.Run("pause-resume", func(t *testing.T) {
		ph := openHarness(t, b, site, "posthorn", "posthorn.html")
		real := openHarness(t, b, site, "trystero", "index.html")
		want := browsertest.EvalAs[bool](t, real.page, "H.pauseResume()")
		if got := browsertest.EvalAs[bool](t, ph.page, "H.pauseResume()"); got != want {
			t.Fatalf("posthorn/v025/%s exports the relay pause and resume: %v; @trystero-p2p/%[1]s: %v", st.pkg, got, want)
		}
		cfg := joinConfig{AppID: appID, Relays: relays, Room: "wasm025-pause"}
		ph.join(t, cfg)
		real.join(t, cfg)
		eventually(t, "the pages to meet", func() bool { return slices.Contains(ph.joined(t), real.id) })
	})

	// A passive posthorn page is woken by the real page and meets it.
	t.Run("passive", func(t *testing.T) {
		ph := openHarness(t, b, site, "posthorn", "posthorn.html")
		real := openHarness(t, b, site, "trystero", "index.html")
		ph.join(t, joinConfig{AppID: appID, Relays: relays, Room: "wasm025-passive", Passive: true})
		if !browsertest.EvalAs[bool](t, ph.page, "H.room.isPassive()") {
			t.Fatal("the posthorn page's room is not passive")
		}
		real.join(t, joinConfig{AppID: appID, Relays: relays, Room: "wasm025-passive"})
		eventually(t, "the pages to meet", func() bool {
			return slices.Contains(ph.joined(t), real.id) && slices.Contains(real.joined(t), ph.id)
		})
	})

	for _, pw := range []string{"", "hunter2"} {
		for _, posthornFirst := range []bool{true, false} {
			t.Run(fmt.Sprintf("password=%q/posthorn-first=%v", pw, posthornFirst), func(t *testing.T) {
				cfg := joinConfig{AppID: appID, Relays: relays, Room: fmt.Sprintf("wasm025-%d-%v", len(pw), posthornFirst), Password: pw}
				ph := openHarness(t, b, site, "posthorn", "posthorn.html")
				real := openHarness(t, b, site, "trystero", "index.html")
				if posthornFirst {
					ph.join(t, cfg)
					real.join(t, cfg)
				} else {
					real.join(t, cfg)
					ph.join(t, cfg)
				}
				talkPages025(t, ph, real)
				// Whoever joined first leaves; the other sees it.
				leaver, stayer := ph, real
				if !posthornFirst {
					leaver, stayer = real, ph
				}
				leaver.page.Eval(t, "H.leave()", nil)
				eventually(t, stayer.page.Name+" to see "+leaver.page.Name+" leave", func() bool {
					return slices.Contains(browsertest.EvalAs[[]string](t, stayer.page, "H.left"), leaver.id)
				})
				for _, p := range []*page025{ph, real} {
					if e := browsertest.EvalAs[[]string](t, p.page, "H.errors"); len(e) != 0 {
						t.Errorf("%s: page errors %v", p.page.Name, e)
					}
				}
			})
		}
	}

	t.Run("wrong-password", func(t *testing.T) {
		room := "wasm025-wrong"
		ph := openHarness(t, b, site, "posthorn", "posthorn.html")
		real := openHarness(t, b, site, "trystero", "index.html")
		ph.join(t, joinConfig{AppID: appID, Relays: relays, Room: room, Password: "one"})
		real.join(t, joinConfig{AppID: appID, Relays: relays, Room: room, Password: "two"})
		// The smaller id offers; the other cannot decrypt it (protocol-0.25 §6.2).
		offerer, receiver := ph, real
		if real.id < ph.id {
			offerer, receiver = real, ph
		}
		eventually(t, receiver.page.Name+"'s onJoinError", func() bool { return len(receiver.joinErrors(t)) > 0 })
		if e := receiver.joinErrors(t)[0]; e.PeerID != offerer.id || e.Error != "incorrect room password when decrypting offer" {
			t.Errorf("%s: join error %+v, want peer %s", receiver.page.Name, e, offerer.id)
		}
		time.Sleep(mismatchWindow)
		for _, p := range []*page025{ph, real} {
			if j := p.joined(t); len(j) != 0 {
				t.Errorf("%s saw %v join", p.page.Name, j)
			}
		}
	})
}

// talkPages025 waits until the pages see each other, then each sends the
// other a string with metadata and a binary of seven 0.25 chunks with
// metadata, and pings it.
func talkPages025(t *testing.T, a, b *page025) {
	t.Helper()
	for _, p := range [][2]*page025{{a, b}, {b, a}} {
		from, to := p[0], p[1]
		eventually(t, from.page.Name+" to see "+to.page.Name+" join", func() bool { return slices.Contains(from.joined(t), to.id) })
	}
	const size = 100_000
	for i, p := range [][2]*page025{{a, b}, {b, a}} {
		from, to := p[0], p[1]
		from.page.Eval(t, fmt.Sprintf(`H.send("hello from %s", {"n": %d})`, from.page.Name, i), nil)
		var sent struct{ Size, Sum int }
		from.page.Eval(t, fmt.Sprintf(`H.sendBin(%d, {"name": "big", "i": %d})`, size, i), &sent)
		var got []record025
		eventually(t, to.page.Name+" to receive both", func() bool {
			got = browsertest.EvalAs[[]record025](t, to.page, "H.recv")
			return len(got) >= 2
		})
		if m := got[0]; m.Action != "msg" || m.ID != from.id || m.Data != "hello from "+from.page.Name || fmt.Sprint(m.Meta) != fmt.Sprintf("map[n:%d]", i) {
			t.Errorf("%s received %+v", to.page.Name, m)
		}
		if m := got[1]; m.Action != "bin" || m.ID != from.id || fmt.Sprint(m.Data) != fmt.Sprintf("map[size:%d sum:%d]", sent.Size, sent.Sum) ||
			fmt.Sprint(m.Meta) != fmt.Sprintf("map[i:%d name:big]", i) || sent.Size != size {
			t.Errorf("%s received %+v (sent %+v)", to.page.Name, m, sent)
		}
		checkProgress025(t, from.page.Name+" send", browsertest.EvalAs[[]progress025](t, from.page, "H.sendProgress"), to.id, i)
		checkProgress025(t, to.page.Name+" receive", browsertest.EvalAs[[]progress025](t, to.page, "H.recvProgress"), from.id, i)

		var ms float64
		from.page.Eval(t, "H.ping("+string(mustJSON(to.id))+")", &ms)
		if ms < 0 {
			t.Errorf("%s: ping gave %v", from.page.Name, ms)
		}
		to.page.Eval(t, "H.recv.length = 0; H.recvProgress.length = 0", nil)
	}
	for _, p := range []*page025{a, b} {
		if e := p.joinErrors(t); len(e) != 0 {
			t.Errorf("%s: join errors %v", p.page.Name, e)
		}
	}
}

// checkProgress025 wants several progress reports of the binary for peer,
// rising to 1, each with the binary's metadata.
func checkProgress025(t *testing.T, what string, ps []progress025, peer string, i int) {
	t.Helper()
	ps = slices.DeleteFunc(ps, func(p progress025) bool { return p.Action != "" && p.Action != "bin" })
	if len(ps) < 2 {
		t.Errorf("%s: progress %+v, want several", what, ps)
		return
	}
	last := 0.0
	for _, p := range ps {
		if p.ID != peer || p.Pct < last || fmt.Sprint(p.Meta) != fmt.Sprintf("map[i:%d name:big]", i) {
			t.Errorf("%s: progress %+v (peer %s)", what, ps, peer)
			return
		}
		last = p.Pct
	}
	if last != 1 {
		t.Errorf("%s: progress ends at %v", what, last)
	}
}
