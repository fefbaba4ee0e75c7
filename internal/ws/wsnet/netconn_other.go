//go:build !js

package wsnet

import (
	"context"
	"net"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/internal/ws"
)

// NetConn reads and writes messages of type typ on c as a net.Conn; ctx
// ending closes c. Natively it is coder/websocket's NetConn.
func NetConn(ctx context.Context, c *ws.Conn, typ ws.MessageType) net.Conn {
	return websocket.NetConn(ctx, c, typ)
}
