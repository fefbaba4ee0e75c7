package mqttbroker_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// TestRelayPublishes: the broker forwards a publish to every subscriber of
// the topic, byte for byte, and to no one else.
func TestRelayPublishes(t *testing.T) {
	b, url := start(t, mqttbroker.Config{})
	sub, pub, bystander := connect(t, url, 60), connect(t, url, 60), connect(t, url, 60)
	sub.subscribe("trystero/a/r/ID")
	sub.suback()
	bystander.subscribe("trystero/a/r/OTHER")
	bystander.suback()
	relaytest.WaitFor(t, "three clients", func() bool { return b.Clients() == 3 })
	want := []byte(`{"peerId":"X","offer":{"type":"offer","sdp":"v=0\r\n"}}`)
	pub.publish("trystero/a/r/ID", want)
	if p := sub.payload(); !bytes.Equal(p, want) {
		t.Fatalf("got %q", p)
	}
	// pub's packets are handled in order: once its PINGRESP is back, the
	// bystander's next message is the marker, not the offer.
	pub.ping()
	pub.publish("trystero/a/r/OTHER", []byte("marker"))
	if p := bystander.payload(); string(p) != "marker" {
		t.Fatalf("bystander got %q", p)
	}
}

// TestRejects: what is not an MQTT WebSocket is refused with a clear status.
func TestRejects(t *testing.T) {
	_, url := start(t, mqttbroker.Config{})
	httpURL := "http" + strings.TrimPrefix(url, "ws")
	resp, err := http.Get(httpURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("plain GET: status %d, want 426", resp.StatusCode)
	}

	tests := []struct {
		name   string
		protos []string
		send   func(ctx context.Context, c *websocket.Conn) error
	}{
		{"no subprotocol", nil, nil},
		{"text message", []string{"mqtt"}, func(ctx context.Context, c *websocket.Conn) error {
			return c.Write(ctx, websocket.MessageText, []byte{0x10, 0})
		}},
		{"garbage", []string{"mqtt"}, func(ctx context.Context, c *websocket.Conn) error {
			return c.Write(ctx, websocket.MessageBinary, []byte("GET / HTTP/1.1\r\n\r\n"))
		}},
		{"oversized packet", []string{"mqtt"}, func(ctx context.Context, c *websocket.Conn) error {
			// CONNECT with a remaining length of 2 MiB (over the default).
			return c.Write(ctx, websocket.MessageBinary, []byte{0x10, 0x80, 0x80, 0x80, 0x01})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
			defer cancel()
			c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: tt.protos})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			if tt.send != nil {
				if err := tt.send(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := c.Read(ctx); err == nil || ctx.Err() != nil {
				t.Fatalf("connection not closed by the broker: %v", err)
			}
		})
	}
}

// TestMaxClients: a client over the limit is refused at CONNECT; the others
// keep working.
func TestMaxClients(t *testing.T) {
	b, url := start(t, mqttbroker.Config{MaxClients: 2})
	connect(t, url, 60)
	connect(t, url, 60)
	relaytest.WaitFor(t, "two clients", func() bool { return b.Clients() == 2 })
	ws := dialWS(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	// MQTT 3.1.1 CONNECT, clean, keepalive 60, empty client id.
	connect311 := []byte{0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 0}
	if err := ws.Write(ctx, websocket.MessageBinary, connect311); err != nil {
		t.Fatal(err)
	}
	_, ack, err := ws.Read(ctx)
	if err != nil || len(ack) < 4 || ack[0] != 0x20 || ack[3] == 0 {
		t.Fatalf("third client: CONNACK %x, %v; want a refusal", ack, err)
	}
	if b.Clients() != 2 {
		t.Fatalf("broker has %d clients", b.Clients())
	}
}

// TestClose: Close disconnects every client and refuses new ones.
func TestClose(t *testing.T) {
	b, url := start(t, mqttbroker.Config{})
	a := connect(t, url, 60)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !a.ended() {
		t.Fatal("client not dropped by Close")
	}
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	if ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}}); err == nil {
		ws.CloseNow()
		t.Fatal("dial after Close succeeded")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
