package ipfs

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sync"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/p2p"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/waku"
)

// DefaultRelayURLs are the service nodes @waku/sdk 0.0.22 bootstraps from
// (createLightNode's defaultBootstrap: @waku/core's wakuv2.prod
// "waku-websocket" fleet), in its order.
var DefaultRelayURLs = []string{
	"/dns4/node-01.ac-cn-hongkong-c.wakuv2.prod.statusim.net/tcp/8000/wss/p2p/16Uiu2HAm4v86W3bmT1BiH6oSPzcsSr24iDQpSN5Qa992BCjjwgrD",
	"/dns4/node-01.do-ams3.wakuv2.prod.statusim.net/tcp/8000/wss/p2p/16Uiu2HAmL5okWopX7NqZWBUKVqW8iUxCEmd5GMHLVPwCgzYzQv3e",
	"/dns4/node-01.gc-us-central1-a.wakuv2.prod.statusim.net/tcp/8000/wss/p2p/16Uiu2HAmVkKntsECaYfefR1V2yCR79CegLATuTPE6B9TxgxBiiiA",
}

// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
// RelayURLs is empty: one, as @waku/sdk's DefaultWantedNumber.
const DefaultRedundancy = 1

// DefaultReconnect is the service-node connections' reconnect policy (the
// relay sockets' one: 4 s doubling up to 2 min, ±25%). @waku/sdk 0.0.22
// redials its bootstrap peers through libp2p's connection manager.
var DefaultReconnect = socket.DefaultReconnect

// Strategy is one ipfs strategy instance: one peer id, one libp2p identity
// (an ed25519 key), one room per room id, and one connection per service
// node shared by its rooms, like @waku/sdk's one light node per page.
type Strategy struct {
	sh  *engine.Shell
	key ed25519.PrivateKey

	mu    sync.Mutex
	conns map[string]*nodeConn // by node multiaddr, while a room uses it
}

var _ posthorn.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to service nodes only when a room is
// joined. nil opts means the defaults.
func New(opts *posthorn.Options) *Strategy {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("ipfs: identity key: %v", err)) // crypto/rand failed
	}
	return &Strategy{sh: engine.NewShell(opts, DefaultReconnect), key: key, conns: map[string]*nodeConn{}}
}

// SelfID is the peer id the instance's rooms announce.
func (s *Strategy) SelfID() string { return s.sh.SelfID() }

// RelaySockets reports the state of the connection to each service node
// that a joined room uses, by multiaddr.
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]posthorn.RelayState, len(s.conns))
	for a, nc := range s.conns {
		out[a] = nc.State()
	}
	return out
}

// JoinRoom joins roomID and returns once its announcement was light-pushed
// to a service node; peers are found in the background (see
// posthorn.Strategy). cfg.RelayURLs are service-node multiaddrs (see the
// package doc); they replace DefaultRelayURLs.
func (s *Strategy) JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return s.sh.JoinRoom(ctx, cfg, roomID, s.start)
}

// start is the Shell's start function: the room joins the instance's
// connection to each of its service nodes.
func (s *Strategy) start(es *engine.Session) error {
	addrs := engine.Relays(es.Config(), DefaultRelayURLs, DefaultRedundancy)
	for _, a := range addrs {
		if _, err := p2p.ParseAddr(a); err != nil {
			return err
		}
	}
	topics, err := engine.NewTopics(es, engine.TopicOptions{Codec: engine.RawID}) // raw selfId bytes (§7.5)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	links := make([]*link, 0, len(addrs))
	s.mu.Lock()
	for _, a := range addrs {
		nc := s.conns[a]
		if nc == nil {
			nc = newNodeConn(a, s.key, s.sh.Reconnect(), s.sh.Log())
			s.conns[a] = nc
		}
		l := &link{nc: nc, topics: topics, ctx: ctx}
		nc.add(l)
		links = append(links, l)
	}
	s.mu.Unlock()
	es.OnStop(func() {
		cancel()
		for _, l := range links {
			s.detach(l)
		}
	})
	return nil
}

// detach takes l's room off its connection: the node is told to drop the
// room's subscriptions (@waku/sdk's unsubscribe on leave, briefly), or the
// connection closes if no room uses it any more, which ends them.
func (s *Strategy) detach(l *link) {
	s.mu.Lock()
	empty, c := l.nc.remove(l)
	if empty && s.conns[l.nc.addr] == l.nc {
		delete(s.conns, l.nc.addr)
	}
	s.mu.Unlock()
	switch {
	case empty:
		l.nc.close()
	case c != nil:
		ctx, cancel := context.WithTimeout(context.Background(), unsubscribeTimeout)
		_ = c.Unsubscribe(ctx, waku.DefaultPubsubTopic, l.contentTopics())
		cancel()
	}
}

// Close leaves every room joined through the instance: their peer
// connections close (remote peers see us leave) and so do their
// service-node connections.
func (s *Strategy) Close() { s.sh.LeaveAll() }

var defaultStrategy = sync.OnceValue(func() *Strategy {
	return New(&posthorn.Options{SelfID: engine.SelfID})
})

// JoinRoom joins roomID with the default instance (Trystero's joinRoom).
func JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return defaultStrategy().JoinRoom(ctx, cfg, roomID)
}

// SelfID is the default instance's peer id, shared by every strategy's
// default instance in the process (Trystero's selfId).
func SelfID() string { return engine.SelfID }

// RelaySockets reports the default instance's service-node connections.
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
