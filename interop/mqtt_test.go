//go:build !js

package interop

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// trystero018MQTT is the bundle of trystero@0.18.0's MQTT strategy.
const trystero018MQTT = "/trystero-mqtt.js"

// startMQTT starts posthorn's MQTT-over-WebSocket broker on loopback and
// returns its ws:// URL.
func startMQTT(t testing.TB) string {
	t.Helper()
	srv := mqttbroker.New(mqttbroker.Config{Logger: relayLogger(t, "broker")})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(hs.URL, "http") + "/mqtt"
}

// joinJSMQTT joins with a fresh page of real Trystero's MQTT strategy.
func joinJSMQTT(b *browsertest.Browser, s *browsertest.Server) joinFunc {
	return func(t *testing.T, name string, cfg joinConfig) member {
		return joinPage(t, b, s, "js-"+name, trystero018MQTT, cfg)
	}
}

// TestMQTTJSJS: two pages of real Trystero meet through posthorn's MQTT
// broker.
func TestMQTTJSJS(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	cfg := joinConfig{AppID: "posthorn-interop", Relays: []string{startMQTT(t)}, Room: "mqtt-js-js"}
	x := joinPage(t, b, s, "js1", trystero018MQTT, cfg)
	y := joinPage(t, b, s, "js2", trystero018MQTT, cfg)
	pair(t, x, y)
}

func TestMQTTJSJSPassword(t *testing.T) {
	b := browsertest.Launch(t)
	s := site(t)
	js := joinJSMQTT(b, s)
	passwords(t, []string{startMQTT(t)}, js, js)
}
