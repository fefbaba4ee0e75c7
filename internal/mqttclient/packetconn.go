package mqttclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/posthorn/posthorn/internal/ws"
)

var (
	// errTooLarge reports an incoming packet longer than maxPacketBytes.
	errTooLarge = errors.New("mqtt: packet from broker too large")
	// errUnexpectedPacket reports a packet a broker must not send a client.
	errUnexpectedPacket = errors.New("mqtt: unexpected packet from broker")
)

// packetConn carries MQTT 3.1.1 packets over one WebSocket, encoded and
// decoded by mochi-mqtt's packets package. Each packet it writes is one
// binary message, as MQTT.js and brokers send them. What it reads is framed
// by the MQTT fixed header, not by messages: MQTT 3.1.1 §6.0 lets a message
// carry several packets or part of one, and some brokers behind a
// WebSocket-to-TCP bridge do both.
type packetConn struct {
	ws *ws.Conn
	r  *bufio.Reader // the binary messages' bytes as one stream

	wmu sync.Mutex // one packet at a time, in the order written
}

// newPacketConn reads and writes packets on ws until ctx ends, which closes
// ws.
func newPacketConn(ctx context.Context, wsc *ws.Conn) *packetConn {
	// A message holds at most a few packets; the packet limit is ours.
	wsc.SetReadLimit(2 * maxPacketBytes)
	nc := ws.Stream(ctx, wsc, ws.MessageBinary)
	return &packetConn{ws: wsc, r: bufio.NewReader(nc)}
}

// readPacket returns the next packet from the broker, decoded as MQTT
// 3.1.1. It is not safe for concurrent use (one reader per connection).
func (c *packetConn) readPacket() (packets.Packet, error) {
	pk := packets.Packet{ProtocolVersion: protocolVersion}
	hb, err := c.r.ReadByte()
	if err != nil {
		return pk, err
	}
	if err := pk.FixedHeader.Decode(hb); err != nil {
		return pk, fmt.Errorf("mqtt: bad packet header %#x: %w", hb, err)
	}
	n, _, err := packets.DecodeLength(c.r)
	if err != nil {
		return pk, fmt.Errorf("mqtt: bad packet length: %w", err)
	}
	if n > maxPacketBytes {
		return pk, fmt.Errorf("%w: %d bytes", errTooLarge, n)
	}
	pk.FixedHeader.Remaining = n
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return pk, err
	}
	switch pk.FixedHeader.Type {
	case packets.Connack:
		err = pk.ConnackDecode(body)
	case packets.Publish:
		err = pk.PublishDecode(body)
	case packets.Puback:
		err = pk.PubackDecode(body)
	case packets.Suback:
		err = pk.SubackDecode(body)
	case packets.Unsuback:
		err = pk.UnsubackDecode(body)
	case packets.Pingresp:
	default:
		return pk, fmt.Errorf("%w: %s", errUnexpectedPacket, packets.PacketNames[pk.FixedHeader.Type])
	}
	if err != nil {
		return pk, fmt.Errorf("mqtt: malformed %s: %w", packets.PacketNames[pk.FixedHeader.Type], err)
	}
	return pk, nil
}

// writePacket encodes pk as MQTT 3.1.1 and sends it as one binary message.
func (c *packetConn) writePacket(ctx context.Context, pk *packets.Packet) error {
	b, err := encode(pk)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.Write(ctx, ws.MessageBinary, b)
}

// encode returns the bytes of one client packet, MQTT 3.1.1.
func encode(pk *packets.Packet) ([]byte, error) {
	pk.ProtocolVersion = protocolVersion
	var buf bytes.Buffer
	var err error
	switch pk.FixedHeader.Type {
	case packets.Connect:
		err = pk.ConnectEncode(&buf)
	case packets.Publish:
		err = pk.PublishEncode(&buf)
	case packets.Puback:
		err = pk.PubackEncode(&buf)
	case packets.Subscribe:
		err = pk.SubscribeEncode(&buf)
	case packets.Unsubscribe:
		err = pk.UnsubscribeEncode(&buf)
	case packets.Pingreq:
		err = pk.PingreqEncode(&buf)
	case packets.Disconnect:
		err = pk.DisconnectEncode(&buf)
	default:
		err = fmt.Errorf("mqtt: client does not send %s", packets.PacketNames[pk.FixedHeader.Type])
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
