//go:build !js

package waku

import (
	"bufio"
	"context"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"
	msmux "github.com/multiformats/go-multistream"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// openStream opens a filter-subscribe stream and negotiates its protocol
// at once, as js-libp2p does, so that the node's handler runs before the
// request (go-libp2p's NewStream would wait for the first write).
func (c *testClient) openStream(t *testing.T) network.Stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := c.h.Network().NewStream(ctx, c.node)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Reset() })
	_ = s.SetDeadline(time.Now().Add(wait))
	if err := msmux.SelectProtoOrFail[protocol.ID](FilterSubscribeProtocol, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// tryStream is openStream for a stream the node may refuse: it reports
// whether a subscribe on it was answered.
func (c *testClient) tryStream(t *testing.T) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := c.h.Network().NewStream(ctx, c.node)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Reset()
	_ = s.SetDeadline(time.Now().Add(wait))
	if err := msmux.SelectProtoOrFail[protocol.ID](FilterSubscribeProtocol, s); err != nil {
		return false
	}
	_, err = subscribeOn(s, "t")
	return err == nil
}

func subscribeOn(s network.Stream, topic string) (wakupb.FilterResponse, error) {
	req := wakupb.FilterRequest{RequestID: "r", Type: wakupb.Subscribe, PubsubTopic: PubsubTopic, ContentTopics: []string{topic}}
	if _, err := s.Write(wakupb.AppendFrame(nil, wakupb.AppendFilterRequest(nil, req))); err != nil {
		return wakupb.FilterResponse{}, err
	}
	f, err := wakupb.ReadFrame(bufio.NewReader(s), 1<<10)
	if err != nil {
		return wakupb.FilterResponse{}, err
	}
	return wakupb.DecodeFilterResponse(f)
}

// @waku/core opens a stream in advance and sends its request on it much
// later (§7.5.1): the node must still answer it. A request that starts and
// stalls is cut after RequestTimeout.
func TestIdleStreamThenRequest(t *testing.T) {
	const timeout = 50 * time.Millisecond
	n := startNode(t, &Options{RequestTimeout: timeout})
	c := newClient(t, n)
	idle := c.openStream(t)
	stalled := c.openStream(t)
	if _, err := stalled.Write([]byte{0x05}); err != nil { // a length prefix, no body
		t.Fatal(err)
	}
	eventually(t, "the stalled request timed out", func() bool { return n.Totals().Timeouts == 1 })
	// The idle stream has now been open for longer than the timeout too.
	if r, err := subscribeOn(idle, "t"); err != nil || r.StatusCode != statusOK {
		t.Fatalf("request on a stream opened earlier: %+v, %v", r, err)
	}
}

// A peer cannot hold more than MaxStreamsPerPeer streams of one protocol.
func TestStreamsPerPeer(t *testing.T) {
	n := startNode(t, &Options{MaxStreamsPerPeer: 2})
	c := newClient(t, n)
	first, second := c.openStream(t), c.openStream(t)
	if c.tryStream(t) {
		t.Error("third stream served")
	}
	for _, s := range []network.Stream{first, second} {
		if r, err := subscribeOn(s, "t"); err != nil || r.StatusCode != statusOK {
			t.Errorf("stream within the cap: %+v, %v", r, err)
		}
	}
}

// Request frames being read are bounded in bytes over all peers: a request
// that would go over is answered 503, and the bytes come back when the
// frame that held them ends.
func TestPendingBytes(t *testing.T) {
	n := startNode(t, &Options{MaxPendingBytes: 100})
	c := newClient(t, n)
	slow := c.openStream(t)
	if _, err := slow.Write([]byte{80, 0x0a}); err != nil { // 80 bytes announced, 1 sent
		t.Fatal(err)
	}
	reserved := func() bool {
		if n.pending.TryAcquire(100) {
			n.pending.Release(100)
			return false
		}
		return true
	}
	eventually(t, "the slow frame's bytes reserved", reserved)
	// Its body unread, the answer cannot carry the request id.
	req := wakupb.FilterRequest{RequestID: "r", Type: wakupb.Subscribe, PubsubTopic: PubsubTopic, ContentTopics: []string{"t"}}
	if r := c.filterRaw(t, wakupb.AppendFrame(nil, wakupb.AppendFilterRequest(nil, req))); r.StatusCode != statusUnavailable || r.StatusDesc != "service busy" {
		t.Errorf("request over the budget: %+v", r)
	}
	_ = slow.Reset()
	eventually(t, "the bytes released", func() bool { return !reserved() })
	if r := c.filter(t, wakupb.Subscribe, "t"); r.StatusCode != statusOK {
		t.Errorf("request after the slow one ended: %+v", r)
	}
}
