//go:build !js

package interop

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/relay/tracker"
	"github.com/posthorn/posthorn/signal/torrent"
)

func init() {
	kits = append(kits, kit{
		name:  "torrent",
		jsLib: "/trystero-torrent.js",
		relay: func(t testing.TB) string {
			srv := tracker.New(tracker.Config{Logger: relayLogger(t, "tracker")})
			return serveRelay(t, srv, "", srv.Close)
		},
		native: func(selfID string, log *slog.Logger) joiner {
			return torrent.New(&posthorn.Options{SelfID: selfID, Logger: log})
		},
	})
}
