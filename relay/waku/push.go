//go:build !js

package waku

import (
	"context"
	"sync"

	"github.com/libp2p/go-libp2p/core/network"
)

// pushQueue holds the MessagePush frames waiting for one subscriber, bounded
// in bytes. Frames are shared between subscribers and never modified.
type pushQueue struct {
	max  int
	wake chan struct{}

	mu     sync.Mutex
	frames [][]byte
	bytes  int
}

func newPushQueue(max int) *pushQueue {
	return &pushQueue{max: max, wake: make(chan struct{}, 1)}
}

// put queues frame, or reports false if it does not fit.
func (q *pushQueue) put(frame []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.bytes+len(frame) > q.max {
		return false
	}
	q.frames = append(q.frames, frame)
	q.bytes += len(frame)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// take removes every queued frame.
func (q *pushQueue) take() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	f := q.frames
	q.frames, q.bytes = nil, 0
	return f
}

// pushLoop delivers c's queued frames in order, each on a new filter-push
// stream as @waku/core expects (§7.5.1), until ctx ends. A push that fails is
// dropped and counted; the peer's disconnect ends its subscription.
func (n *Node) pushLoop(ctx context.Context, c *client) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.queue.wake:
		}
		for _, f := range c.queue.take() {
			if ctx.Err() != nil {
				return
			}
			if err := n.push(ctx, c, f); err != nil {
				n.stats.WriteFailures.Add(1)
				n.log.Debug("filter push failed", "peer", c.id, "err", err)
				continue
			}
			n.stats.MessagesOut.Add(1)
			n.stats.BytesOut.Add(int64(len(f)))
		}
	}
}

func (n *Node) push(ctx context.Context, c *client, frame []byte) error {
	ctx, cancel := context.WithTimeout(ctx, n.opts.RequestTimeout)
	defer cancel()
	s, err := n.h.NewStream(network.WithNoDial(ctx, "filter push"), c.id, FilterPushProtocol)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = s.SetDeadline(dl)
	}
	if _, err := s.Write(frame); err != nil {
		_ = s.Reset()
		return err
	}
	return s.Close()
}
