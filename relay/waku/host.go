//go:build !js

package waku

import (
	"errors"
	"fmt"

	mplex "github.com/libp2p/go-libp2p-mplex"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/sec"
	basichost "github.com/libp2p/go-libp2p/p2p/host/basic"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"
	"github.com/libp2p/go-libp2p/p2p/host/peerstore/pstoremem"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/net/upgrader"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	ma "github.com/multiformats/go-multiaddr"
)

// newHost assembles a libp2p host from its parts rather than with
// libp2p.New, whose default configuration links every transport (QUIC,
// WebTransport, WebRTC) and the fx framework into the binary, about 12 MB of
// posthorn-relay's size, for none of which Waku light clients ask. It has
// what @waku/sdk 0.0.22 needs (§7.5.1): WebSocket, noise, mplex, identify
// and ping; no relay, hole punching, AutoNAT or address discovery. rm is
// closed with the host, or here if the host cannot be made. The host does
// not listen until start.
func newHost(key crypto.PrivKey, rm network.ResourceManager) (*basichost.BasicHost, error) {
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		rm.Close()
		return nil, err
	}
	ps, err := pstoremem.NewPeerstore()
	if err != nil {
		rm.Close()
		return nil, err
	}
	fail := func(err error) (*basichost.BasicHost, error) {
		ps.Close()
		rm.Close()
		return nil, err
	}
	if err := errors.Join(ps.AddPrivKey(id, key), ps.AddPubKey(id, key.GetPublic())); err != nil {
		return fail(err)
	}
	bus := eventbus.NewBus()
	sw, err := swarm.NewSwarm(id, ps, bus, swarm.WithResourceManager(rm))
	if err != nil {
		return fail(err)
	}
	muxers := []upgrader.StreamMuxer{{ID: mplex.ID, Muxer: mplex.DefaultTransport}}
	nt, err := noise.New(noise.ID, key, muxers)
	if err != nil {
		sw.Close()
		return fail(err)
	}
	up, err := upgrader.New([]sec.SecureTransport{nt}, muxers, nil, rm, nil)
	if err != nil {
		sw.Close()
		return fail(err)
	}
	ws, err := websocket.New(up, rm, nil)
	if err == nil {
		err = sw.AddTransport(ws)
	}
	if err != nil {
		sw.Close()
		return fail(err)
	}
	h, err := basichost.NewHost(sw, &basichost.HostOpts{EventBus: bus, EnablePing: true, UserAgent: "posthorn-relay"})
	if err != nil {
		sw.Close()
		return fail(err)
	}
	return h, nil
}

// start listens on addr and starts h's services (identify). It runs after
// the stream handlers are set, so that no client is identified without
// them; on failure it closes h.
func start(h *basichost.BasicHost, addr ma.Multiaddr) error {
	if err := h.Network().Listen(addr); err != nil {
		h.Close() // closes the swarm, the peerstore and the resource manager
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	h.Start()
	return nil
}
