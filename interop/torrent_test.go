//go:build !js

package interop

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/relay/tracker"
)

// trystero018Torrent is the bundle of trystero@0.18.0's torrent strategy.
const trystero018Torrent = "/trystero-torrent.js"

// startTracker starts posthorn's WebTorrent tracker on loopback and returns
// its ws:// URL.
func startTracker(t testing.TB) string {
	t.Helper()
	srv := tracker.New(tracker.Config{Logger: relayLogger(t, "tracker")})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

// TestTorrentJSJS: two pages of real Trystero meet through posthorn's Go
// tracker. It proves the harness and the tracker before any posthorn peer
// takes part.
func TestTorrentJSJS(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "js-js"}
	x := joinPage(t, b, s, "js1", trystero018Torrent, cfg)
	y := joinPage(t, b, s, "js2", trystero018Torrent, cfg)
	pair(t, x, y)
}

// joinJSTorrent joins with a fresh page of real Trystero's torrent strategy.
func joinJSTorrent(b *browsertest.Browser, s *browsertest.Server) joinFunc {
	return func(t *testing.T, name string, cfg joinConfig) member {
		return joinPage(t, b, s, "js-"+name, trystero018Torrent, cfg)
	}
}

func TestTorrentJSJSPassword(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	js := joinJSTorrent(b, s)
	passwords(t, []string{startTracker(t)}, js, js)
}

func TestTorrentJSJSMedia(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startTracker(t)}, Room: "js-js-media"}
	x := joinPage(t, b, s, "js1", trystero018Torrent, cfg)
	y := joinPage(t, b, s, "js2", trystero018Torrent, cfg)
	waitJoined(t, x, y.ID())
	waitJoined(t, y, x.ID())
	mediaTo(t, x, y)
	playsVideo(t, y)
	mediaTo(t, y, x)
	playsVideo(t, x)
}
