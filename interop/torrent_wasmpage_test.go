//go:build !js

package interop

import (
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestTorrentJSWasm: real Trystero and posthorn's wasm build, each in its
// own page, through the Go tracker; the wasm page joins second, then first.
func TestTorrentJSWasm(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	lib := posthornLib(t, "torrent")
	relays := []string{startTracker(t)}
	t.Run("wasm-joins-second", func(t *testing.T) {
		cfg := joinConfig{AppID: "posthorn-interop", Relays: relays, Room: "js-wasm"}
		x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
		y := joinPage(t, b, s, "wasm", lib, cfg)
		pair(t, x, y)
	})
	t.Run("wasm-joins-first", func(t *testing.T) {
		cfg := joinConfig{AppID: "posthorn-interop", Relays: relays, Room: "wasm-js"}
		y := joinPage(t, b, s, "wasm", lib, cfg)
		x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
		pair(t, y, x)
	})
}

// joinWasmTorrent joins with a fresh page of posthorn's torrent wasm build.
func joinWasmTorrent(b *browsertest.Browser, s *browsertest.Server, lib string) joinFunc {
	return func(t *testing.T, name string, cfg joinConfig) member {
		return joinPage(t, b, s, "wasm-"+name, lib, cfg)
	}
}

func TestTorrentJSWasmPassword(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	lib := posthornLib(t, "torrent")
	relays := []string{startTracker(t)}
	t.Run("wasm-answers", func(t *testing.T) { passwords(t, relays, joinJSTorrent(b, s), joinWasmTorrent(b, s, lib)) })
	t.Run("js-answers", func(t *testing.T) { passwords(t, relays, joinWasmTorrent(b, s, lib), joinJSTorrent(b, s)) })
}

// TestTorrentJSWasmMedia: fake cameras both ways between real Trystero and
// the wasm build, with metadata, and the video plays.
func TestTorrentJSWasmMedia(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	lib := posthornLib(t, "torrent")
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "js-wasm-media"}
	x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
	y := joinPage(t, b, s, "wasm", lib, cfg)
	waitJoined(t, x, y.ID())
	waitJoined(t, y, x.ID())
	t.Run("js→wasm", func(t *testing.T) {
		mediaTo(t, x, y)
		playsVideo(t, y)
	})
	t.Run("wasm→js", func(t *testing.T) {
		mediaTo(t, y, x)
		playsVideo(t, x)
	})
}

// TestTorrentTrio: real Trystero, posthorn's wasm build and a native peer
// in one room through the Go tracker.
func TestTorrentTrio(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	lib := posthornLib(t, "torrent")
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "trio"}
	x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
	y := joinPage(t, b, s, "wasm", lib, cfg)
	z := joinNative(t, "native", cfg, torrentStrategy)
	trio(t, [3]member{x, y, z})
}
