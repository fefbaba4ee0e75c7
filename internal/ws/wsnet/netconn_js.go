//go:build js

package wsnet

import (
	"context"
	"io"
	"net"
	"time"

	"github.com/posthorn/posthorn/internal/ws"
)

// NetConn reads and writes messages of type typ on c as a net.Conn; ctx
// ending closes c. Deadlines interrupt a blocked Read or Write without
// closing c, with os.ErrDeadlineExceeded.
func NetConn(ctx context.Context, c *ws.Conn, typ ws.MessageType) net.Conn {
	return netConn{ws.Stream(ctx, c, typ).(stream)}
}

// stream is what ws.Stream returns under js.
type stream interface {
	io.ReadWriteCloser
	SetDeadline(time.Time) error
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

type netConn struct{ stream }

func (netConn) LocalAddr() net.Addr  { return addr{} }
func (netConn) RemoteAddr() net.Addr { return addr{} }

type addr struct{}

func (addr) Network() string { return "websocket" }
func (addr) String() string  { return "websocket" }
