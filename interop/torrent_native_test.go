//go:build !js

package interop

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/signal/torrent"
)

// torrentStrategy makes native torrent strategy instances.
func torrentStrategy(selfID string, log *slog.Logger) joiner {
	return torrent.New(torrent.Options{SelfID: selfID, Logger: log})
}

// TestTorrentJSNative: real Trystero in a page and a native posthorn peer
// meet through the Go tracker and run the whole pair scenario.
func TestTorrentJSNative(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "js-native"}
	x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
	y := joinNative(t, "native", cfg, torrentStrategy)
	pair(t, x, y)
}

// TestTorrentNativeJS is TestTorrentJSNative with the native peer joining
// first, so the JS peer's offers are the ones answered (roles swapped).
func TestTorrentNativeJS(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "native-js"}
	y := joinNative(t, "native", cfg, torrentStrategy)
	x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
	pair(t, y, x)
}

// joinNativeTorrent joins with a fresh native torrent strategy instance.
func joinNativeTorrent(t *testing.T, name string, cfg joinConfig) member {
	return joinNative(t, "native-"+name, cfg, torrentStrategy)
}

// TestTorrentJSNativePassword: passwords between real Trystero and a native
// peer, with either side answering.
func TestTorrentJSNativePassword(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	relays := []string{startTracker(t)}
	t.Run("native-answers", func(t *testing.T) { passwords(t, relays, joinJSTorrent(b, s), joinNativeTorrent) })
	t.Run("js-answers", func(t *testing.T) { passwords(t, relays, joinNativeTorrent, joinJSTorrent(b, s)) })
}

// TestTorrentJSNativeMedia: the JS page's fake camera reaches the native
// peer with its metadata and RTP flows; the native peer's video track
// reaches the page with its metadata.
func TestTorrentJSNativeMedia(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "js-native-media"}
	x := joinPage(t, b, s, "js", trystero018Torrent, cfg)
	y := joinNative(t, "native", cfg, torrentStrategy)
	waitJoined(t, x, y.ID())
	waitJoined(t, y, x.ID())
	t.Run("js→native", func(t *testing.T) {
		mediaTo(t, x, y)
		eventually(t, "RTP from the page at the native peer", func() bool { return y.RTPPackets(x.ID()) > 0 })
	})
	t.Run("native→js", func(t *testing.T) { mediaTo(t, y, x) })
}
