package mqttbroker

import (
	"net"
	"time"
)

// deadlineConn is the net.Conn mochi reads and writes. mochi sets no read
// deadline before CONNECT, none at all for keepalive 0 and none on writes;
// deadlineConn gives every read a deadline no later than idle from now and
// every write one of write.
type deadlineConn struct {
	net.Conn
	idle, write time.Duration
}

// SetDeadline is what mochi calls after each packet (keepalive × 1.5, or the
// zero time for keepalive 0); the read deadline is capped at idle.
func (c *deadlineConn) SetDeadline(t time.Time) error {
	return c.SetReadDeadline(t)
}

func (c *deadlineConn) SetReadDeadline(t time.Time) error {
	if limit := time.Now().Add(c.idle); t.IsZero() || t.After(limit) {
		t = limit
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *deadlineConn) Write(b []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.write)); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}
