package mqttclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/ws"
)

// TestEncodeMQTT311: the packets we send are MQTT 3.1.1 byte for byte as
// the specification lays them out and as MQTT.js sends them for Trystero
// (§7.3: protocol level 4, clean session, keepalive 60, no credentials, no
// will; QoS 0 subscribe and publish, retain false).
func TestEncodeMQTT311(t *testing.T) {
	id := "posthorn_0123456789ab"
	tests := []struct {
		name string
		pk   packets.Packet
		want []byte
	}{
		{"connect", packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Connect},
			Connect:     packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 60, ClientIdentifier: id},
		}, append([]byte{0x10, byte(10 + 2 + len(id)), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, byte(len(id))}, id...)},
		{"subscribe qos 0", packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1},
			PacketID:    7,
			Filters:     packets.Subscriptions{{Filter: "a/b", Qos: 0}},
		}, []byte{0x82, 8, 0, 7, 0, 3, 'a', '/', 'b', 0}},
		{"publish qos 0", packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Publish},
			TopicName:   "a/b",
			Payload:     []byte("hi"),
		}, []byte{0x30, 7, 0, 3, 'a', '/', 'b', 'h', 'i'}},
		{"unsubscribe", packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Unsubscribe, Qos: 1},
			PacketID:    8,
			Filters:     packets.Subscriptions{{Filter: "a"}, {Filter: "b"}},
		}, []byte{0xa2, 8, 0, 8, 0, 1, 'a', 0, 1, 'b'}},
		{"pingreq", packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}}, []byte{0xc0, 0}},
		{"disconnect", packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}}, []byte{0xe0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encode(&tt.pk)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("got  %x\nwant %x", got, tt.want)
			}
		})
	}
}

// TestReadPacketFraming: a broker may put several packets in one WebSocket
// message and split one packet over several (MQTT 3.1.1 §6.0); the reader
// frames by the fixed header, over a real WebSocket.
func TestReadPacketFraming(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("js/wasm has no listening sockets")
	}
	testutil.RequireNetns(t) // it listens on loopback
	connack := []byte{0x20, 2, 0, 0}
	suback := []byte{0x90, 3, 0, 1, 0}
	payload := bytes.Repeat([]byte("x"), 300) // a two-byte remaining length
	publish := append([]byte{0x30, 0x80 | byte(5+len(payload))&0x7f, byte((5 + len(payload)) >> 7), 0, 3, 'a', '/', 'b'}, payload...)
	pingresp := []byte{0xd0, 0}
	stream := bytes.Join([][]byte{connack, suback, publish, pingresp}, nil)
	// Messages: connack+suback+the publish's first 2 bytes (inside its
	// length), the next 100 bytes, then the rest with the pingresp.
	cut1 := len(connack) + len(suback) + 2
	msgs := [][]byte{stream[:cut1], stream[cut1 : cut1+100], stream[cut1+100:]}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol}})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		for _, m := range msgs {
			if err := ws.Write(r.Context(), websocket.MessageBinary, m); err != nil {
				return
			}
		}
		ws.Read(r.Context()) // until the client goes
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn, err := ws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), []string{Subprotocol})
	if err != nil {
		t.Fatal(err)
	}
	pc := newPacketConn(ctx, conn)
	wantTypes := []byte{packets.Connack, packets.Suback, packets.Publish, packets.Pingresp}
	for _, want := range wantTypes {
		pk, err := pc.readPacket()
		if err != nil {
			t.Fatalf("reading %s: %v", packets.PacketNames[want], err)
		}
		if pk.FixedHeader.Type != want {
			t.Fatalf("got %s, want %s", packets.PacketNames[pk.FixedHeader.Type], packets.PacketNames[want])
		}
		if want == packets.Publish && (pk.TopicName != "a/b" || !bytes.Equal(pk.Payload, payload)) {
			t.Fatalf("publish topic %q payload %d bytes", pk.TopicName, len(pk.Payload))
		}
		if want == packets.Suback && (pk.PacketID != 1 || !bytes.Equal(pk.ReasonCodes, []byte{0})) {
			t.Fatalf("suback id %d codes %x", pk.PacketID, pk.ReasonCodes)
		}
	}
}

// TestReadPacketRejects: a packet a broker must not send, or one over our
// size limit, is an error, not a hang or a huge allocation.
func TestReadPacketRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"subscribe from broker", []byte{0x82, 2, 0, 1}, errUnexpectedPacket},
		{"too large", []byte{0x30, 0xff, 0xff, 0xff, 0x7f}, errTooLarge},
		{"five length bytes", []byte{0x30, 0x80, 0x80, 0x80, 0x80, 0x01}, packets.ErrMalformedVariableByteInteger},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := &packetConn{r: bufio.NewReader(bytes.NewReader(tt.in))}
			if _, err := pc.readPacket(); !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzReadPacket: whatever a broker sends, the reader returns packets or an
// error and never panics; every packet it returns consumed exactly its
// header and remaining length.
func FuzzReadPacket(f *testing.F) {
	f.Add([]byte{0x20, 2, 0, 0, 0x30, 4, 0, 1, 't', 'x', 0xd0, 0})
	f.Add([]byte{0x90, 3, 0, 1, 0x80})
	f.Add([]byte{0x30, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		pc := &packetConn{r: bufio.NewReader(bytes.NewReader(data))}
		used := 0
		for {
			pk, err := pc.readPacket()
			if err != nil {
				return
			}
			var hdr bytes.Buffer
			pk.FixedHeader.Encode(&hdr)
			used += hdr.Len() + pk.FixedHeader.Remaining // at most what was read (a length may be non-minimal)
			if used > len(data) {
				t.Fatalf("decoded %d bytes from %d", used, len(data))
			}
		}
	})
}
