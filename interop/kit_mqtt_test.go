//go:build !js

package interop

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/signal/mqtt"
)

func init() {
	kits = append(kits, kit{
		name:  "mqtt",
		jsLib: "/trystero-mqtt.js",
		relay: func(t testing.TB) string {
			srv := mqttbroker.New(mqttbroker.Config{Logger: relayLogger(t, "broker")})
			return serveRelay(t, srv, "/mqtt", srv.Close)
		},
		watch: watchMQTT,
		native: func(selfID string, log *slog.Logger) joiner {
			return mqtt.New(&posthorn.Options{SelfID: selfID, Logger: log})
		},
	})
}
