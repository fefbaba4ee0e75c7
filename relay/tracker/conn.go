package tracker

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// conn is one client WebSocket.
type conn struct {
	ws   *websocket.Conn
	send chan []byte
	done chan struct{}
	once sync.Once

	// joined maps info_hash → peer_ids this socket announced there. Guarded
	// by Server.mu.
	joined map[string]map[string]struct{}

	// token bucket, used only by the read goroutine
	tokens float64
	last   time.Time
}

func newConn(ws *websocket.Conn, queue int, burst int) *conn {
	return &conn{
		ws:     ws,
		send:   make(chan []byte, queue),
		done:   make(chan struct{}),
		joined: make(map[string]map[string]struct{}),
		tokens: float64(burst),
		last:   time.Now(),
	}
}

// enqueue queues msg without blocking; a client too slow to drain its queue
// is disconnected so it cannot stall the senders of offers and answers.
func (c *conn) enqueue(msg []byte) {
	select {
	case c.send <- msg:
	case <-c.done:
	default:
		c.kill(websocket.StatusPolicyViolation, "send queue overflow")
	}
}

// kill closes the connection once, without blocking the caller.
func (c *conn) kill(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		close(c.done)
		go c.ws.Close(code, reason)
	})
}

// allow takes one token from the per-connection bucket.
func (c *conn) allow(rate float64, burst int) bool {
	now := time.Now()
	c.tokens = min(float64(burst), c.tokens+now.Sub(c.last).Seconds()*rate)
	c.last = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// writeLoop sends queued messages until the connection dies.
func (c *conn) writeLoop(ctx context.Context, timeout time.Duration) {
	for {
		select {
		case msg := <-c.send:
			wctx, cancel := context.WithTimeout(ctx, timeout)
			err := c.ws.Write(wctx, websocket.MessageText, msg)
			cancel()
			if err != nil {
				c.kill(websocket.StatusGoingAway, "write failed")
				return
			}
		case <-c.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

func (c *conn) join(infoHash, peerID string) {
	ids := c.joined[infoHash]
	if ids == nil {
		ids = make(map[string]struct{})
		c.joined[infoHash] = ids
	}
	ids[peerID] = struct{}{}
}

func (c *conn) forget(infoHash, peerID string) {
	if ids := c.joined[infoHash]; ids != nil {
		delete(ids, peerID)
		if len(ids) == 0 {
			delete(c.joined, infoHash)
		}
	}
}
