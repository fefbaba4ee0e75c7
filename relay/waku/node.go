//go:build !js

package waku

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	basichost "github.com/libp2p/go-libp2p/p2p/host/basic"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	ma "github.com/multiformats/go-multiaddr"
	"golang.org/x/sync/semaphore"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
)

// Protocol ids and the one pubsub topic the node serves (§7.5.1).
const (
	LightPushProtocol       = "/vac/waku/lightpush/2.0.0-beta1"
	FilterSubscribeProtocol = "/vac/waku/filter-subscribe/2.0.0-beta1"
	FilterPushProtocol      = "/vac/waku/filter-push/2.0.0-beta1"
	PubsubTopic             = "/waku/2/default-waku/proto"
)

// Node is a Waku service node. Create it with New, stop it with Close.
type Node struct {
	h    *basichost.BasicHost
	opts Options
	log  *slog.Logger

	ctx    context.Context // ends at Close; pushers stop with it
	cancel context.CancelFunc
	wg     sync.WaitGroup
	stats  wsconn.Counters
	// pending holds the bytes of request frames being read (MaxPendingBytes).
	pending *semaphore.Weighted

	mu      sync.Mutex
	clients map[peer.ID]*client
	topics  map[string]map[*client]struct{} // content topic → subscribers
	closed  bool
}

// New starts a node listening on opts.ListenAddr. ctx bounds the start only;
// the node runs until Close.
func New(ctx context.Context, opts *Options) (*Node, error) {
	o := opts.withDefaults()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	addr, err := ma.NewMultiaddr(o.ListenAddr)
	if err != nil {
		return nil, fmt.Errorf("waku: listen address: %w", err)
	}
	if _, err := addr.ValueForProtocol(ma.P_WS); err != nil {
		return nil, fmt.Errorf("waku: listen address %s does not end in /ws", o.ListenAddr)
	}
	key, err := identity(o.Key)
	if err != nil {
		return nil, err
	}
	rm, err := resourceManager(o)
	if err != nil {
		return nil, err
	}
	h, err := newHost(key, rm)
	if err != nil {
		return nil, fmt.Errorf("waku: %w", err)
	}
	n := &Node{
		h: h, opts: o, log: o.Logger.With("service", "waku"),
		pending: semaphore.NewWeighted(int64(o.MaxPendingBytes)),
		clients: map[peer.ID]*client{},
		topics:  map[string]map[*client]struct{}{},
	}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	h.Network().Notify(&network.NotifyBundle{DisconnectedF: func(_ network.Network, c network.Conn) {
		n.forget(c.RemotePeer())
	}})
	h.SetStreamHandler(LightPushProtocol, n.serve(n.lightPush))
	h.SetStreamHandler(FilterSubscribeProtocol, n.serve(n.filterSubscribe))
	if err := start(h, addr); err != nil {
		n.cancel()
		return nil, fmt.Errorf("waku: %w", err)
	}
	n.log.Info("waku service node listening", "addrs", n.Multiaddrs())
	return n, nil
}

// identity turns an ed25519 key into a libp2p one, or makes a fresh key.
func identity(k []byte) (crypto.PrivKey, error) {
	if k == nil {
		priv, _, err := crypto.GenerateEd25519Key(rand.Reader)
		return priv, err
	}
	priv, err := crypto.UnmarshalEd25519PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("waku: key: %w", err)
	}
	return priv, nil
}

// resourceManager caps connections in total and per address, loopback
// included (libp2p exempts loopback by default; the caps must hold for a
// node behind a local proxy and be testable), and request streams per peer.
func resourceManager(o Options) (network.ResourceManager, error) {
	scaling := rcmgr.DefaultLimits
	conns := rcmgr.LimitVal(o.MaxConns)
	streams := rcmgr.ResourceLimits{Streams: rcmgr.LimitVal(o.MaxStreamsPerPeer), StreamsInbound: rcmgr.LimitVal(o.MaxStreamsPerPeer)}
	partial := rcmgr.PartialLimitConfig{
		System:       rcmgr.ResourceLimits{Conns: conns, ConnsInbound: conns},
		Transient:    rcmgr.ResourceLimits{Conns: conns, ConnsInbound: conns},
		ProtocolPeer: map[protocol.ID]rcmgr.ResourceLimits{LightPushProtocol: streams, FilterSubscribeProtocol: streams},
	}
	limiter := rcmgr.NewFixedLimiter(partial.Build(scaling.AutoScale()))
	perIP := o.MaxConnsPerIP
	return rcmgr.NewResourceManager(limiter,
		rcmgr.WithLimitPerSubnet(
			[]rcmgr.ConnLimitPerSubnet{{PrefixLength: 32, ConnCount: perIP}},
			[]rcmgr.ConnLimitPerSubnet{{PrefixLength: 56, ConnCount: perIP}}),
		rcmgr.WithNetworkPrefixLimit([]rcmgr.NetworkPrefixLimit{}, []rcmgr.NetworkPrefixLimit{}),
	)
}

// Multiaddrs returns the addresses clients dial, each ending in
// /p2p/<peer id>, e.g. /ip4/127.0.0.1/tcp/43567/ws/p2p/12D3KooW….
func (n *Node) Multiaddrs() []string {
	var out []string
	for _, a := range n.h.Addrs() {
		out = append(out, fmt.Sprintf("%s/p2p/%s", a, n.h.ID()))
	}
	return out
}

// PeerID returns the node's peer id.
func (n *Node) PeerID() string { return n.h.ID().String() }

// Close disconnects every peer, drops every subscription and waits for the
// node's goroutines.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	n.mu.Unlock()
	n.cancel()
	err := n.h.Close()
	n.wg.Wait()
	n.mu.Lock()
	for _, c := range n.clients {
		n.dropLocked(c)
	}
	n.mu.Unlock()
	if err != nil {
		return fmt.Errorf("waku: close: %w", err)
	}
	return nil
}

// Conns returns the open libp2p connections.
func (n *Node) Conns() int { return len(n.h.Network().Conns()) }

// Subscriptions returns the live (peer, content topic) subscriptions.
func (n *Node) Subscriptions() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := 0
	for _, subs := range n.topics {
		s += len(subs)
	}
	return s
}

// Totals returns the node's counters in the relay's common form: messages
// in are LightPush requests, messages out are filter pushes.
func (n *Node) Totals() wsconn.Totals { return n.stats.Totals() }

var (
	errClosed = errors.New("waku: node closed")
	// errBusy is the read error of a request over MaxPendingBytes.
	errBusy = errors.New("service busy")
)
