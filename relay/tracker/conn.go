package tracker

import (
	"github.com/posthorn/posthorn/relay/internal/wsconn"
)

// conn is one client WebSocket and the peer_ids it owns.
type conn struct {
	*wsconn.Conn
	// joined maps info_hash → peer_ids this socket owns there. Guarded by
	// Server.mu.
	joined map[string]map[string]struct{}
	// out is the read goroutine's buffer of messages to send (Server.handle).
	out []outgoing
}

func newConn(c *wsconn.Conn) *conn {
	return &conn{Conn: c, joined: make(map[string]map[string]struct{})}
}

// send queues one encoded message; a client too slow to drain its queue is
// disconnected so it cannot stall the senders of offers and answers.
func (c *conn) send(msg []byte) { c.Send(msg) }

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
