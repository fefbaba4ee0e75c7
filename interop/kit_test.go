//go:build !js

package interop

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// kit is one signalling strategy under test: Trystero's bundle of it,
// posthorn's Go relay for it, its native posthorn implementation and its
// wasm build (cmd/wasm/<name>, dist/<name>.mjs).
type kit struct {
	name string
	// strategy is the posthorn strategy the kit runs (cmd/wasm/<strategy>);
	// "" means name. Kits that differ only in their relay share one.
	strategy string
	jsLib    string                                       // URL path of the trystero@0.18.0 bundle
	relay    func(t testing.TB) string                    // starts a relay, returns its URL
	native   func(selfID string, log *slog.Logger) joiner // a native strategy instance
	// watch, if set, subscribes to a room's root topic on a relay the way
	// a peer does, so that members can join one after the other
	// (joinAnnounced). Torrent needs none: a tracker forwards offers only
	// to peers that announced before (§7.1).
	watch func(t testing.TB, relayURL, root string) *announceWatch
	// appIsRelay: the appId is the relay (firebase: the database URL), so
	// members join with appId = the relay URL and no relayUrls (adapt).
	appIsRelay bool
	// jsPasswordBroken: two Trystero 0.18 peers with the same password never
	// connect on this strategy (nostr: the answerer does not decrypt the
	// offer, protocol-0.18 §7.2, §10.10).
	jsPasswordBroken bool
}

// wasmName is the kit's strategy, whose wasm bundle the pages load.
func (k kit) wasmName() string {
	if k.strategy != "" {
		return k.strategy
	}
	return k.name
}

// adapt returns cfg as k's members join with it (see appIsRelay).
func (k kit) adapt(cfg joinConfig) joinConfig {
	if k.appIsRelay && len(cfg.Relays) > 0 {
		cfg.AppID, cfg.Relays = cfg.Relays[0], nil
	}
	return cfg
}

// kits are the strategies of the suite; each kit_<name>_test.go adds one.
var kits []kit

// forKits runs f as one subtest per strategy.
func forKits(t *testing.T, f func(t *testing.T, k kit)) {
	for _, k := range kits {
		t.Run(k.name, func(t *testing.T) { f(t, k) })
	}
}

// serveRelay serves h on loopback until t ends and returns its ws:// URL
// with path appended.
func serveRelay(t testing.TB, h http.Handler, path string, closeFn func() error) string {
	t.Helper()
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		closeFn()
	})
	return "ws" + strings.TrimPrefix(hs.URL, "http") + path
}

// appID is the appId of every room of the suite.
const appID = "posthorn-interop"
