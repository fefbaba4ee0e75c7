//go:build !js

package waku

import (
	"bufio"
	"errors"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// handler answers one request frame on a request/response protocol. readErr
// is set when no whole frame within MaxMessageBytes could be read; the
// handler still answers, in its protocol's terms.
type handler func(c *client, frame []byte, readErr error) (response []byte)

// serve runs h on each stream of a request/response protocol: one
// length-prefixed request, one length-prefixed response, then the node
// closes the stream (@waku/core reads the response to the end, §7.5.1).
// @waku/core opens its next stream in advance and may leave it idle for
// long, and it would reuse one the node had reset: so the node waits for
// the first byte without a deadline (Close or the peer's disconnect end the
// wait; MaxStreamsPerPeer bounds such streams), then gives reading the rest
// and answering RequestTimeout.
func (n *Node) serve(h handler) network.StreamHandler {
	return func(s network.Stream) {
		c, err := n.client(s.Conn().RemotePeer())
		if err != nil {
			_ = s.Reset()
			return
		}
		r := bufio.NewReader(s)
		if _, err := r.Peek(1); err != nil {
			_ = s.Reset() // closed without a request: nothing to answer
			return
		}
		_ = s.SetDeadline(time.Now().Add(n.opts.RequestTimeout))
		frame, err := n.readFrame(r)
		switch {
		case isTimeout(err):
			n.stats.Timeouts.Add(1)
			_ = s.Reset()
			return
		case err != nil: // answered, and counted, by h
			n.log.Debug("bad request frame", "peer", c.id, "protocol", s.Protocol(), "err", err)
		}
		resp := h(c, frame, err)
		if _, err := s.Write(wakupb.AppendFrame(nil, resp)); err != nil {
			_ = s.Reset()
			return
		}
		_ = s.Close()
	}
}

// readFrame reads a request frame within MaxMessageBytes, reserving its
// size in the node's MaxPendingBytes while it arrives.
func (n *Node) readFrame(r *bufio.Reader) ([]byte, error) {
	size, err := wakupb.ReadLength(r, n.opts.MaxMessageBytes)
	if err != nil {
		return nil, err
	}
	if !n.pending.TryAcquire(int64(size)) {
		return nil, errBusy
	}
	defer n.pending.Release(int64(size))
	return wakupb.ReadBody(r, size)
}

// isTimeout reports a deadline error (mplex's is not os.ErrDeadlineExceeded).
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// allow takes one token of c's request rate.
func (n *Node) allow(c *client) bool {
	if c.lim.Allow() {
		return true
	}
	n.stats.RateLimited.Add(1)
	return false
}

// checkTopic validates a content topic.
func (n *Node) checkTopic(t string) string {
	switch {
	case t == "":
		return "empty content topic"
	case len(t) > n.opts.MaxTopicBytes:
		return "content topic too long"
	}
	return ""
}
