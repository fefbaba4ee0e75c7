package mqttbroker_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

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

// MQTT 3.1.1 and MQTT 5 subscribers of one topic get the same message, each
// in its own encoding: one encoded packet shared by the 3.1.1 clients, and
// for the MQTT 5 one its subscription identifier.
func TestDeliveryToEveryProtocolVersion(t *testing.T) {
	_, url := start(t, mqttbroker.Config{})
	v4a, v4b := connect(t, url, 60), connect(t, url, 60)
	for _, r := range []*raw{v4a, v4b} {
		r.subscribe("trystero/a/r")
		r.suback()
	}
	v5 := dialRaw(t, url)
	v5.version = 5
	v5.connect("", true, 60)
	if ack := v5.read(); ack[0] != 0x20 {
		t.Fatalf("not a CONNACK: %x", ack)
	}
	v5.write(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
		Filters:    packets.Subscriptions{{Filter: "trystero/a/r", Identifier: 7}},
		Properties: packets.Properties{SubscriptionIdentifier: []int{7}},
	}, (*packets.Packet).SubscribeEncode)
	if ack := v5.read(); ack[0] != 0x90 {
		t.Fatalf("not a SUBACK: %x", ack)
	}

	pub := connect(t, url, 60)
	want := []byte(`{"peerId":"X","offer":"<sdp>"}`)
	pub.publish("trystero/a/r", want)
	for _, r := range []*raw{v4a, v4b} {
		if p := r.payload(); !bytes.Equal(p, want) {
			t.Fatalf("MQTT 3.1.1 subscriber got %q", p)
		}
	}
	b := v5.read()
	got := packets.Packet{ProtocolVersion: 5}
	if err := got.FixedHeader.Decode(b[0]); err != nil || got.FixedHeader.Type != packets.Publish {
		t.Fatalf("not a PUBLISH: %x", b[:min(len(b), 8)])
	}
	i := 1
	for b[i]&0x80 != 0 {
		i++
	}
	if err := got.PublishDecode(b[i+1:]); err != nil {
		t.Fatal(err)
	}
	if got.TopicName != "trystero/a/r" || !bytes.Equal(got.Payload, want) ||
		len(got.Properties.SubscriptionIdentifier) != 1 || got.Properties.SubscriptionIdentifier[0] != 7 {
		t.Fatalf("MQTT 5 subscriber got topic %q, payload %q, subscription ids %v",
			got.TopicName, got.Payload, got.Properties.SubscriptionIdentifier)
	}
}
