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
	unread      []byte // read before mochi was given the connection
	idle, write time.Duration
}

// Read returns the unread bytes first, then reads from the connection.
func (c *deadlineConn) Read(b []byte) (int, error) {
	if len(c.unread) > 0 {
		n := copy(b, c.unread)
		c.unread = c.unread[n:]
		return n, nil
	}
	return c.Conn.Read(b)
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
