package posthorn

import (
	"context"
	"slices"
	"time"

	"github.com/posthorn/posthorn/transfer"
)

// Ping sends a ping to peer id and returns the round-trip time once its pong
// arrives (protocol-0.18 §6). Unlike JS's ping, which waits forever, it fails if
// id is empty (ErrNoPeerID) or not connected (*UnknownPeerError), when ctx
// ends, when the peer leaves (ErrPeerLeft) or the Room is left (ErrLeft).
// Pongs carry no id: concurrent pings to one peer are resolved oldest first.
func (r *Room) Ping(ctx context.Context, id string) (time.Duration, error) {
	if id == "" {
		return 0, ErrNoPeerID
	}
	w := make(chan error, 1)
	r.mu.Lock()
	if r.left {
		r.mu.Unlock()
		return 0, ErrLeft
	}
	rem := r.peers[id]
	if rem == nil {
		r.mu.Unlock()
		return 0, &UnknownPeerError{ID: id}
	}
	c := rem.active
	r.pongs[id] = append(r.pongs[id], w)
	r.mu.Unlock()

	start := time.Now()
	if b := r.emptyChunk(r.ping); b != nil {
		c.sendNow(b, false)
	}
	select {
	case err := <-w:
		if err != nil {
			return 0, err
		}
		return time.Since(start), nil
	case <-ctx.Done():
		r.mu.Lock()
		if ws := r.pongs[id]; ws != nil {
			r.pongs[id] = slices.DeleteFunc(ws, func(x chan error) bool { return x == w })
		}
		r.mu.Unlock()
		return 0, ctx.Err()
	}
}

// probe pings the peer on each of its connections once a duplicate has
// connected (protocol-0.18 §4.5 b): a JS peer answers only on the connection it
// registered, and the pong's arrival makes that one the connection sends go
// to (markActive). The pongs are not taken for answers to Ping.
func (r *Room) probe(id string) {
	r.mu.Lock()
	rem := r.peers[id]
	if rem == nil {
		r.mu.Unlock()
		return
	}
	conns := slices.Clone(rem.conns)
	for _, c := range conns {
		c.probes++
	}
	r.mu.Unlock()
	for _, c := range conns {
		r.sendInternal(c, r.ping, transfer.KindString, nil)
	}
}
