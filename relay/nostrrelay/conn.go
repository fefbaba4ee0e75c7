package nostrrelay

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// conn is one client connection: its subscriptions and its send queue.
type conn struct {
	ws   *websocket.Conn
	out  chan []byte
	subs map[string][]filter // guarded by Server.mu

	once sync.Once
	dead chan struct{}
}

func newConn(ws *websocket.Conn, queue int) *conn {
	return &conn{ws: ws, out: make(chan []byte, queue), subs: map[string][]filter{}, dead: make(chan struct{})}
}

// enqueue never blocks: a client whose queue is full is dropped.
func (c *conn) enqueue(msg []byte) {
	select {
	case <-c.dead:
	case c.out <- msg:
	default:
		c.kill(websocket.StatusPolicyViolation, "too slow")
	}
}

func (c *conn) kill(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		close(c.dead)
		go c.ws.Close(code, reason)
	})
}

func (c *conn) writeLoop(ctx context.Context, timeout time.Duration) {
	for {
		select {
		case <-c.dead:
			return
		case <-ctx.Done():
			c.kill(websocket.StatusGoingAway, "relay shutting down")
			return
		case msg := <-c.out:
			wctx, cancel := context.WithTimeout(ctx, timeout)
			err := c.ws.Write(wctx, websocket.MessageText, msg)
			cancel()
			if err != nil {
				c.kill(websocket.StatusInternalError, "write failed")
				return
			}
		}
	}
}
