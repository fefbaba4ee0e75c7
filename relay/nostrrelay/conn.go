package nostrrelay

import (
	"github.com/posthorn/posthorn/relay/internal/wsconn"
)

// conn is one client connection and its subscriptions.
type conn struct {
	*wsconn.Conn
	subs map[string]*subscription // guarded by Server.mu
}

// subscription is one REQ's filters and the message prefix its events are
// sent with.
type subscription struct {
	conn    *conn
	filters []filter
	prefix  []byte // ["EVENT",<subId>,
}

func newConn(c *wsconn.Conn) *conn {
	return &conn{Conn: c, subs: map[string]*subscription{}}
}

// send queues one message; a client whose queue overflows is dropped.
func (c *conn) send(msg []byte) { c.Send(msg) }

// sendEvent queues e for subscription sub, sharing e's bytes with every
// other queue it is sent to.
func (c *conn) sendEvent(sub *subscription, e *event) { c.Send(sub.prefix, e.raw, closeBracket) }

var closeBracket = []byte("]")
