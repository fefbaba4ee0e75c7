package mqttbroker_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/coder/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// raw is an MQTT 3.1.1 client that writes packets (encoded by mochi's
// packets package) and reads only when told to, as a hostile client would.
type raw struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRaw(t *testing.T, url string) *raw { return &raw{t, dialWS(t, url)} }

func (r *raw) write(pk packets.Packet, encode func(*packets.Packet, *bytes.Buffer) error) {
	r.t.Helper()
	pk.ProtocolVersion = 4
	var b bytes.Buffer
	if err := encode(&pk, &b); err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	if err := r.ws.Write(ctx, websocket.MessageBinary, b.Bytes()); err != nil {
		r.t.Fatal(err)
	}
}

// read returns the next WebSocket message (mochi writes one packet per
// message).
func (r *raw) read() []byte {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	_, b, err := r.ws.Read(ctx)
	if err != nil {
		r.t.Fatalf("read: %v", err)
	}
	return b
}

// ended reports whether the broker closed the connection (a read fails
// before Patience).
func (r *raw) ended() bool {
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	for {
		if _, _, err := r.ws.Read(ctx); err != nil {
			return ctx.Err() == nil
		}
	}
}

func (r *raw) connect(id string, clean bool, keepalive uint16) {
	r.write(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect:     packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: clean, Keepalive: keepalive, ClientIdentifier: id},
	}, (*packets.Packet).ConnectEncode)
}

func (r *raw) subscribe(filters ...string) {
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1}
	for _, f := range filters {
		pk.Filters = append(pk.Filters, packets.Subscription{Filter: f})
	}
	r.write(pk, (*packets.Packet).SubscribeEncode)
}

// suback reads a SUBACK and returns its reason codes.
func (r *raw) suback() []byte {
	r.t.Helper()
	b := r.read()
	if len(b) < 2 || b[0] != 0x90 {
		r.t.Fatalf("not a SUBACK: %x", b[:min(len(b), 8)])
	}
	i := 1
	for b[i]&0x80 != 0 { // skip the remaining length
		i++
	}
	return b[i+3:]
}
