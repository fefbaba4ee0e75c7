package mqtt

import (
	"errors"
	"net"
	"sync"
)

// errBadLength reports a malformed remaining-length field in a packet the
// MQTT client wrote (a bug, not a network condition).
var errBadLength = errors.New("mqtt: malformed packet length")

// packetConn adapts a coder/websocket NetConn, where every Write becomes one
// WebSocket message, to paho's packet writer, which writes one packet in
// several pieces (header, variable header, payload). It collects the pieces
// and sends each complete MQTT packet as one binary message, as MQTT.js and
// brokers do; MQTT 5.0 §6.0 lets receivers reassemble either way, but one
// packet per message is the interoperable shape.
//
// It also implements sync.Locker, which paho's packet writer takes around
// each packet so that packets from different goroutines never interleave.
type packetConn struct {
	net.Conn
	sync.Mutex // held by paho for the duration of one packet write

	bufMu sync.Mutex // guards buf (also when a writer skips the Locker)
	buf   []byte
}

func newPacketConn(c net.Conn) *packetConn { return &packetConn{Conn: c} }

// Write buffers p and sends every complete packet it completes.
func (c *packetConn) Write(p []byte) (int, error) {
	c.bufMu.Lock()
	defer c.bufMu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		n, err := packetLen(c.buf)
		if err != nil {
			c.buf = nil
			return 0, err
		}
		if n == 0 || len(c.buf) < n {
			return len(p), nil
		}
		if _, err := c.Conn.Write(c.buf[:n]); err != nil {
			c.buf = nil
			return 0, err
		}
		rest := copy(c.buf, c.buf[n:])
		c.buf = c.buf[:rest]
	}
}

// packetLen returns the total length of the MQTT packet at the start of b,
// or 0 if b does not yet hold its whole fixed header (MQTT 5.0 §2.1.4: one
// type byte, then a variable byte integer of at most 4 bytes).
func packetLen(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	remaining, mult := 0, 1
	for i := 1; i < len(b); i++ {
		if i > 4 {
			return 0, errBadLength
		}
		remaining += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			return 1 + i + remaining, nil
		}
		mult *= 128
	}
	if len(b) > 4 {
		return 0, errBadLength
	}
	return 0, nil
}
