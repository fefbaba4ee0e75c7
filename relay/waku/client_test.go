//go:build !js

package waku

import (
	"bufio"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	mplex "github.com/libp2p/go-libp2p-mplex"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// wait bounds every wait of these tests; nothing is timed, only bounded.
const wait = 30 * time.Second

// startNode starts a node on loopback, closed at the end of the test.
func startNode(t *testing.T, o *Options) *Node {
	t.Helper()
	testutil.RequireNetns(t)
	n, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Error(err)
		}
	})
	return n
}

// testClient is a Waku light client built the way @waku/sdk 0.0.22 is:
// libp2p over WebSocket, noise, mplex, the filter-push protocol handled.
type testClient struct {
	h      host.Host
	node   peer.ID
	pushes chan wakupb.MessagePush
	reqs   atomic.Int64
}

// dialClient connects a test client to n; without, it first stops serving
// those protocols (e.g. identify).
func dialClient(t *testing.T, n *Node, without ...protocol.ID) (*testClient, error) {
	t.Helper()
	h, err := libp2p.New(
		libp2p.NoListenAddrs,
		libp2p.Transport(websocket.New),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(mplex.ID, mplex.DefaultTransport),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
	)
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{h: h, pushes: make(chan wakupb.MessagePush, 64)}
	h.SetStreamHandler(FilterPushProtocol, func(s network.Stream) {
		defer s.Close()
		f, err := wakupb.ReadFrame(bufio.NewReader(s), 1<<20)
		if err != nil {
			t.Errorf("push frame: %v", err)
			return
		}
		p, err := wakupb.DecodeMessagePush(f)
		if err != nil {
			t.Errorf("push: %v", err)
			return
		}
		c.pushes <- p
	})
	for _, p := range without {
		h.RemoveStreamHandler(p)
	}
	info, err := peer.AddrInfoFromString(n.Multiaddrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	c.node = info.ID
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := h.Connect(ctx, *info); err != nil {
		h.Close()
		return nil, err
	}
	return c, nil
}

func newClient(t *testing.T, n *Node) *testClient {
	t.Helper()
	c, err := dialClient(t, n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.h.Close() })
	return c
}

// roundTrip writes raw on a new stream of proto and returns the response
// frame.
func (c *testClient) roundTrip(t *testing.T, proto string, raw []byte) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	s, err := c.h.NewStream(ctx, c.node, protocol.ID("/vac/waku/"+proto))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(wait))
	if _, err := s.Write(raw); err != nil {
		t.Fatal(err)
	}
	_ = s.CloseWrite()
	f, err := wakupb.ReadFrame(bufio.NewReader(s), 1<<20)
	if err != nil {
		t.Fatalf("%s response: %v", proto, err)
	}
	return f
}

func (c *testClient) filterRaw(t *testing.T, raw []byte) wakupb.FilterResponse {
	t.Helper()
	r, err := wakupb.DecodeFilterResponse(c.roundTrip(t, "filter-subscribe/2.0.0-beta1", raw))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// filter sends a filter-subscribe request of type typ for topics on the
// default pubsub topic and checks that the response echoes its request id.
func (c *testClient) filter(t *testing.T, typ uint64, topics ...string) wakupb.FilterResponse {
	t.Helper()
	req := wakupb.FilterRequest{RequestID: fmt.Sprint("req-", c.reqs.Add(1)), Type: typ, ContentTopics: topics}
	if len(topics) > 0 {
		req.PubsubTopic = PubsubTopic
	}
	r := c.filterRaw(t, wakupb.AppendFrame(nil, wakupb.AppendFilterRequest(nil, req)))
	if r.RequestID != req.RequestID {
		t.Errorf("response to %q has request id %q", req.RequestID, r.RequestID)
	}
	return r
}

func (c *testClient) pushRaw(t *testing.T, raw []byte) wakupb.PushRPC {
	t.Helper()
	r, err := wakupb.DecodePushRPC(c.roundTrip(t, "lightpush/2.0.0-beta1", raw))
	if err != nil {
		t.Fatal(err)
	}
	if !r.HasResponse {
		t.Fatal("lightpush answer has no response")
	}
	return r
}

// publish light-pushes payload on topic and returns the node's answer.
func (c *testClient) publish(t *testing.T, topic, payload string) wakupb.PushRPC {
	t.Helper()
	id := fmt.Sprint("push-", c.reqs.Add(1))
	msg := wakupb.AppendMessage(nil, wakupb.Message{Payload: []byte(payload), ContentTopic: topic, Ephemeral: true})
	r := c.pushRaw(t, wakupb.AppendFrame(nil, wakupb.AppendPushRequest(nil, id, PubsubTopic, msg)))
	if r.RequestID != id {
		t.Errorf("response to %q has request id %q", id, r.RequestID)
	}
	return r
}

// next returns the next pushed message.
func (c *testClient) next(t *testing.T) wakupb.Message {
	t.Helper()
	select {
	case p := <-c.pushes:
		if p.PubsubTopic != PubsubTopic {
			t.Errorf("push on pubsub topic %q", p.PubsubTopic)
		}
		m, err := wakupb.DecodeMessage(p.Message)
		if err != nil {
			t.Fatal(err)
		}
		return m
	case <-time.After(wait):
		t.Fatal("no push")
		return wakupb.Message{}
	}
}

func mustMultiaddr(t *testing.T, s string) ma.Multiaddr {
	t.Helper()
	a, err := ma.NewMultiaddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
