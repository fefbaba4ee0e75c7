//go:build !js

package interop

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/signal/nostr"
)

func init() {
	kits = append(kits, kit{
		name:  "nostr",
		jsLib: "/trystero-nostr.js",
		relay: func(t testing.TB) string {
			srv := nostrrelay.New(nostrrelay.Config{Logger: relayLogger(t, "relay")})
			return serveRelay(t, srv, "", srv.Close)
		},
		watch: watchNostr,
		native: func(selfID string, log *slog.Logger) joiner {
			return nostr.New(&posthorn.Options{SelfID: selfID, Logger: log})
		},
		jsPasswordBroken: true,
	})
}
