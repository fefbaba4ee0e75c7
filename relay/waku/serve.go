//go:build !js

package waku

import (
	"bufio"
	"errors"
	"io"
	"os"
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
// Reading and answering share RequestTimeout.
func (n *Node) serve(h handler) network.StreamHandler {
	return func(s network.Stream) {
		_ = s.SetDeadline(time.Now().Add(n.opts.RequestTimeout))
		c, err := n.client(s.Conn().RemotePeer())
		if err != nil {
			_ = s.Reset()
			return
		}
		frame, err := wakupb.ReadFrame(bufio.NewReader(s), n.opts.MaxMessageBytes)
		switch {
		case errors.Is(err, io.EOF):
			_ = s.Reset() // closed without a request: nothing to answer
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			n.stats.Timeouts.Add(1)
			_ = s.Reset()
			return
		case err != nil:
			n.stats.Refused.Add(1)
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
