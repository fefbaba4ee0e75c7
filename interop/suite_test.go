//go:build !js

package interop

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// env is what every test of the suite shares: one browser of each kind,
// the site with the bundles and harness.
type env struct {
	b map[browsertest.Kind]*browsertest.Browser
	s *browsertest.Server
}

func newEnv(t *testing.T) env {
	e := env{b: map[browsertest.Kind]*browsertest.Browser{}}
	for _, k := range browsertest.Kinds {
		e.b[k] = browsertest.LaunchKind(t, k)
	}
	e.s = site(t)
	return e
}

// browserPair says which browser runs the Trystero page and which the
// posthorn one.
type browserPair struct{ js, wasm browsertest.Kind }

// browserPairs are every pairing: each browser alone, then mixed.
var browserPairs = []browserPair{
	{browsertest.Chromium, browsertest.Chromium},
	{browsertest.Firefox, browsertest.Firefox},
	{browsertest.Chromium, browsertest.Firefox},
	{browsertest.Firefox, browsertest.Chromium},
}

// name is the pair's subtest name, e.g. "js-firefox-wasm-chromium"; it is
// also part of room names, so it has no MQTT wildcard (+, #).
func (p browserPair) name() string { return "js-" + string(p.js) + "-wasm-" + string(p.wasm) }

// spanningPairs leave out both-in-Firefox: each browser still runs each
// library, against the other browser, for a quarter less of the slowest
// scenarios (passwords, trio).
var spanningPairs = []browserPair{browserPairs[0], browserPairs[2], browserPairs[3]}

// forBrowserPairs runs f as one subtest per browser pair of pairs.
func forBrowserPairs(t *testing.T, pairs []browserPair, f func(t *testing.T, bp browserPair)) {
	for _, bp := range pairs {
		t.Run(bp.name(), func(t *testing.T) { f(t, bp) })
	}
}

// js joins with a fresh Chromium page of real Trystero's k strategy.
func (e env) js(k kit) joinFunc { return e.jsIn(browsertest.Chromium, k) }

// jsIn joins with a fresh page of real Trystero's k strategy in browser b.
func (e env) jsIn(b browsertest.Kind, k kit) joinFunc {
	return func(t *testing.T, name string, cfg joinConfig) member {
		cfg = k.adapt(cfg)
		return k.joinAnnounced(t, cfg, func() member { return joinPage(t, e.b[b], e.s, pageName("js", b, name), k.jsLib, cfg) })
	}
}

// wasmIn joins with a fresh page of posthorn's wasm build of k in
// browser b.
func (e env) wasmIn(b browsertest.Kind, k kit) joinFunc {
	return func(t *testing.T, name string, cfg joinConfig) member {
		cfg = k.adapt(cfg)
		return k.joinAnnounced(t, cfg, func() member {
			return joinPage(t, e.b[b], e.s, pageName("wasm", b, name), posthornLib(t, k.wasmName()), cfg)
		})
	}
}

// pageName names a page after its library and, when not Chromium, its
// browser: "wasm-2", "js-firefox-1".
func pageName(lib string, b browsertest.Kind, name string) string {
	if b == browsertest.Chromium {
		return lib + "-" + name
	}
	return lib + "-" + string(b) + "-" + name
}

// native joins with a fresh native instance of k.
func native(k kit) joinFunc {
	return func(t *testing.T, name string, cfg joinConfig) member {
		cfg = k.adapt(cfg)
		return k.joinAnnounced(t, cfg, func() member { return joinNative(t, "native-"+name, cfg, k.native) })
	}
}

// pairBoth runs the pair scenario with kind y joining second, then first.
func pairBoth(t *testing.T, k kit, x, y joinFunc, xName, yName string) {
	relays := []string{k.relay(t)}
	t.Run(yName+"-joins-second", func(t *testing.T) {
		cfg := joinConfig{AppID: appID, Relays: relays, Room: "second"}
		a := x(t, "1", cfg)
		b := y(t, "2", cfg)
		pair(t, a, b)
	})
	t.Run(yName+"-joins-first", func(t *testing.T) {
		cfg := joinConfig{AppID: appID, Relays: relays, Room: "first"}
		b := y(t, "1", cfg)
		a := x(t, "2", cfg)
		pair(t, b, a)
	})
}

// TestJSJS: two pages of real Trystero through posthorn's relays. It proves
// the harness and the relays before any posthorn peer takes part.
func TestJSJS(t *testing.T) {
	e := newEnv(t)
	forKits(t, func(t *testing.T, k kit) {
		cfg := joinConfig{AppID: appID, Relays: []string{k.relay(t)}, Room: "js-js"}
		a := e.js(k)(t, "1", cfg)
		b := e.js(k)(t, "2", cfg)
		pair(t, a, b)
	})
}

// TestJSNative: real Trystero in each browser and a native posthorn peer,
// in both join orders (so both take the offering and the answering role).
func TestJSNative(t *testing.T) {
	e := newEnv(t)
	forKits(t, func(t *testing.T, k kit) {
		browsertest.ForEach(t, func(t *testing.T, b browsertest.Kind) {
			pairBoth(t, k, e.jsIn(b, k), native(k), "js", "native")
		})
	})
}

// TestJSWasm: real Trystero and posthorn's wasm build, each in its own
// page, in both join orders, for every pairing of the browsers.
func TestJSWasm(t *testing.T) {
	e := newEnv(t)
	forKits(t, func(t *testing.T, k kit) {
		forBrowserPairs(t, browserPairs, func(t *testing.T, bp browserPair) {
			pairBoth(t, k, e.jsIn(bp.js, k), e.wasmIn(bp.wasm, k), "js", "wasm")
		})
	})
}

// TestPasswords: same and different passwords between every pairing and
// in both join orders; the wasm pairings for the spanning browser pairs.
func TestPasswords(t *testing.T) {
	e := newEnv(t)
	forKits(t, func(t *testing.T, k kit) {
		relays := []string{k.relay(t)}
		t.Run("js-js", func(t *testing.T) { passwords(t, relays, e.js(k), e.js(k), !k.jsPasswordBroken) })
		t.Run("js-native", func(t *testing.T) { passwords(t, relays, e.js(k), native(k), true) })
		t.Run("native-js", func(t *testing.T) { passwords(t, relays, native(k), e.js(k), true) })
		forBrowserPairs(t, spanningPairs, func(t *testing.T, bp browserPair) {
			t.Run("js-wasm", func(t *testing.T) { passwords(t, relays, e.jsIn(bp.js, k), e.wasmIn(bp.wasm, k), true) })
			t.Run("wasm-js", func(t *testing.T) { passwords(t, relays, e.wasmIn(bp.wasm, k), e.jsIn(bp.js, k), true) })
		})
	})
}

// TestMedia: streams with metadata both ways between real Trystero and
// each posthorn side; browser-sent video must play, native-received media
// must carry RTP.
func TestMedia(t *testing.T) {
	e := newEnv(t)
	forKits(t, func(t *testing.T, k kit) {
		relays := []string{k.relay(t)}
		t.Run("js-js", func(t *testing.T) {
			cfg := joinConfig{AppID: appID, Relays: relays, Room: "media-js-js"}
			a := e.js(k)(t, "1", cfg).(*pageMember)
			b := e.js(k)(t, "2", cfg).(*pageMember)
			waitJoined(t, a, b.ID())
			waitJoined(t, b, a.ID())
			mediaTo(t, a, b)
			playsVideo(t, b)
			mediaTo(t, b, a)
			playsVideo(t, a)
		})
		forBrowserPairs(t, browserPairs, func(t *testing.T, bp browserPair) {
			cfg := joinConfig{AppID: appID, Relays: relays, Room: "media-" + bp.name()}
			a := e.jsIn(bp.js, k)(t, "1", cfg).(*pageMember)
			b := e.wasmIn(bp.wasm, k)(t, "2", cfg).(*pageMember)
			waitJoined(t, a, b.ID())
			waitJoined(t, b, a.ID())
			t.Run("js→wasm", func(t *testing.T) {
				mediaTo(t, a, b)
				playsVideo(t, b)
			})
			t.Run("wasm→js", func(t *testing.T) {
				mediaTo(t, b, a)
				playsVideo(t, a)
			})
		})
		browsertest.ForEach(t, func(t *testing.T, br browsertest.Kind) {
			cfg := joinConfig{AppID: appID, Relays: relays, Room: "media-js-native-" + string(br)}
			a := e.jsIn(br, k)(t, "1", cfg).(*pageMember)
			b := native(k)(t, "2", cfg).(*nativeMember)
			waitJoined(t, a, b.ID())
			waitJoined(t, b, a.ID())
			t.Run("js→native", func(t *testing.T) {
				mediaTo(t, a, b)
				eventually(t, "RTP from the page at the native peer", func() bool { return b.RTPPackets(a.ID()) > 0 })
			})
			t.Run("native→js", func(t *testing.T) { mediaTo(t, b, a) })
			t.Run("js→native→js", func(t *testing.T) {
				// The native peer relays a's camera to a newcomer as its
				// own stream, RTP as it comes: real frames that must play.
				c := e.jsIn(br, k)(t, "3", cfg).(*pageMember)
				waitJoined(t, c, b.ID())
				waitJoined(t, b, c.ID())
				meta := map[string]any{"kind": "forwarded", "from": a.Name()}
				b.ForwardVideo(t, a, c, meta)
				var got stream
				eventually(t, c.Name()+" to receive the forwarded stream", func() bool {
					for _, s := range c.Streams(t) {
						if s.ID == b.ID() {
							got = s
							return true
						}
					}
					return false
				})
				var gotMeta, wantMeta any
				json.Unmarshal(got.Meta, &gotMeta)
				json.Unmarshal(mustJSON(meta), &wantMeta)
				if !reflect.DeepEqual(got.Kinds, []string{"video"}) || !reflect.DeepEqual(gotMeta, wantMeta) {
					t.Errorf("forwarded stream: kinds %v, metadata %s; want [video], %s", got.Kinds, got.Meta, mustJSON(meta))
				}
				playsVideo(t, c)
			})
		})
	})
}

// TestTrio: real Trystero, posthorn's wasm build and a native peer in one
// room, for the spanning pairings of the browsers.
func TestTrio(t *testing.T) {
	e := newEnv(t)
	forKits(t, func(t *testing.T, k kit) {
		forBrowserPairs(t, spanningPairs, func(t *testing.T, bp browserPair) {
			cfg := joinConfig{AppID: appID, Relays: []string{k.relay(t)}, Room: "trio-" + bp.name()}
			a := e.jsIn(bp.js, k)(t, "1", cfg)
			b := e.wasmIn(bp.wasm, k)(t, "2", cfg)
			c := native(k)(t, "3", cfg)
			trio(t, [3]member{a, b, c})
		})
	})
}
