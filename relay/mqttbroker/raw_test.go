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
	t       testing.TB
	ws      *websocket.Conn
	buf     []byte // received bytes not yet returned by read
	version byte   // MQTT protocol level; 0 means 4 (MQTT 3.1.1)
}

func dialRaw(t testing.TB, url string) *raw { return &raw{t: t, ws: dialWS(t, url)} }

func (r *raw) write(pk packets.Packet, encode func(*packets.Packet, *bytes.Buffer) error) {
	r.t.Helper()
	pk.ProtocolVersion = max(r.version, 4)
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

// read returns the next MQTT packet. A WebSocket message may hold several
// packets or part of one (MQTT 5.0 §6.0); mochi does write several at once.
func (r *raw) read() []byte {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	for {
		if n := packetLen(r.buf); n > 0 {
			pk := r.buf[:n:n]
			r.buf = r.buf[n:]
			return pk
		}
		_, b, err := r.ws.Read(ctx)
		if err != nil {
			r.t.Fatalf("read: %v", err)
		}
		r.buf = append(r.buf, b...)
	}
}

// packetLen returns the length of the whole packet at the start of b, or 0
// if b does not hold all of it yet.
func packetLen(b []byte) int {
	n, mult := 0, 1
	for i := 1; i < len(b) && i <= 4; i++ {
		n += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			if total := i + 1 + n; total <= len(b) {
				return total
			}
			return 0
		}
		mult *= 128
	}
	return 0
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

// connect dials url and completes an MQTT 3.1.1 CONNECT (clean session)
// with keepalive seconds.
func connect(t *testing.T, url string, keepalive uint16) *raw {
	t.Helper()
	r := dialRaw(t, url)
	r.connect("", true, keepalive)
	if ack := r.read(); len(ack) != 4 || ack[0] != 0x20 || ack[3] != 0 {
		t.Fatalf("CONNACK %x", ack)
	}
	return r
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

func (r *raw) publish(topic string, payload []byte) {
	r.write(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: topic, Payload: payload},
		(*packets.Packet).PublishEncode)
}

// payload reads the next message, which must be a QoS 0 PUBLISH, and
// returns its payload.
func (r *raw) payload() []byte {
	r.t.Helper()
	b := r.read()
	if len(b) < 2 || b[0]>>4 != packets.Publish {
		r.t.Fatalf("not a PUBLISH: %x", b[:min(len(b), 8)])
	}
	i := 1
	for b[i]&0x80 != 0 {
		i++
	}
	i++
	return b[i+2+(int(b[i])<<8|int(b[i+1])):]
}

// ping sends PINGREQ and waits for PINGRESP.
func (r *raw) ping() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	if err := r.ws.Write(ctx, websocket.MessageBinary, []byte{0xc0, 0}); err != nil {
		r.t.Fatal(err)
	}
	if b := r.read(); len(b) != 2 || b[0] != 0xd0 {
		r.t.Fatalf("not a PINGRESP: %x", b)
	}
}
