//go:build !js

package interop

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/signal/mqtt"
)

func init() {
	native := func(selfID string, log *slog.Logger) joiner {
		return mqtt.New(&posthorn.Options{SelfID: selfID, Logger: log})
	}
	kits = append(kits, kit{
		name:  "mqtt",
		jsLib: "/trystero-mqtt.js",
		relay: func(t testing.TB) string {
			srv := mqttbroker.New(mqttbroker.Config{Logger: relayLogger(t, "broker")})
			return serveRelay(t, srv, "/mqtt", srv.Close)
		},
		watch:  watchMQTT,
		native: native,
	}, kit{
		// npm aedes speaks MQTT 3.1.1 only, like many brokers Trystero
		// users run; posthorn's client must speak it too.
		name:     "mqtt-aedes",
		strategy: "mqtt",
		jsLib:    "/trystero-mqtt.js",
		relay: func(t testing.TB) string {
			return strategytest.NodeFixture{Dir: "npm-aedes", Script: "broker.js", Module: "aedes", URLPath: "/mqtt"}.Start(t).URL
		},
		watch:  watchMQTT,
		native: native,
	})
}
