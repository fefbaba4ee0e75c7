package mqttclient

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
)

// TestBrokerURL runs the client against the broker at $POSTHORN_MQTT_BROKER
// (a ws:// URL), if set: scripts/test-wasm-mqtt starts aedes on loopback and
// runs this test compiled to js/wasm under Node, so the browser build's
// client (internal/ws over the JS WebSocket) meets a real MQTT 3.1.1
// broker. The native client meets the brokers in signal/mqtt's tests.
func TestBrokerURL(t *testing.T) {
	url := os.Getenv("POSTHORN_MQTT_BROKER")
	if url == "" {
		t.Skip("POSTHORN_MQTT_BROKER not set (scripts/test-wasm-mqtt sets it)")
	}
	const topic = "trystero/test-app/room-1"
	got := make(chan string, 4)
	connected := make(chan struct{}, 4)
	c := New(url, Options{Reconnect: posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: time.Second}})
	c.Subscribe(context.Background(), topic, func(p []byte) { got <- string(p) })
	c.OnConnect(func(ctx context.Context) {
		if err := c.Publish(ctx, topic, []byte(c.ClientID())); err != nil {
			t.Errorf("publish: %v", err)
		}
		connected <- struct{}{}
	})
	c.Start()
	defer c.Close()
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
		t.Fatalf("no connection to %s, state %v", url, c.State())
	}
	select {
	case s := <-got:
		if s != c.ClientID() {
			t.Fatalf("got %q, want our own announcement %q", s, c.ClientID())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("our publish did not come back through the subscription")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if s := c.State(); s != posthorn.RelayClosed {
		t.Fatalf("state after Close %v", s)
	}
}
