package p2p

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// ErrAddr reports a multiaddr this package cannot dial.
var ErrAddr = errors.New("p2p: unsupported multiaddr")

// Target is where a multiaddr says to dial: a WebSocket URL and the peer id
// the noise handshake must authenticate.
type Target struct {
	URL  string
	Peer peer.ID
}

// ParseAddr parses a WebSocket multiaddr that names its peer:
// /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>/ws|wss|tls/ws[/p2p/<id>] with
// the /p2p/ part required (noise checks the peer's key against it).
func ParseAddr(s string) (Target, error) {
	m, err := ma.NewMultiaddr(s)
	if err != nil {
		return Target{}, fmt.Errorf("%w %q: %v", ErrAddr, s, err)
	}
	var host, port, scheme string
	var id peer.ID
	tls := false
	for _, c := range m {
		switch c.Protocol().Code {
		case ma.P_IP4, ma.P_IP6, ma.P_DNS, ma.P_DNS4, ma.P_DNS6:
			if host != "" {
				return Target{}, fmt.Errorf("%w %q: two hosts", ErrAddr, s)
			}
			host = c.Value()
		case ma.P_TCP:
			port = c.Value()
		case ma.P_TLS:
			tls = true
		case ma.P_WS:
			scheme = "ws"
			if tls {
				scheme = "wss"
			}
		case ma.P_WSS:
			scheme = "wss"
		case ma.P_P2P:
			if id, err = peer.Decode(c.Value()); err != nil {
				return Target{}, fmt.Errorf("%w %q: peer id: %v", ErrAddr, s, err)
			}
		default:
			return Target{}, fmt.Errorf("%w %q: %s", ErrAddr, s, c.Protocol().Name)
		}
	}
	switch {
	case host == "" || port == "":
		return Target{}, fmt.Errorf("%w %q: no host and TCP port", ErrAddr, s)
	case scheme == "":
		return Target{}, fmt.Errorf("%w %q: not a WebSocket address (/ws or /wss)", ErrAddr, s)
	case id == "":
		return Target{}, fmt.Errorf("%w %q: no /p2p/<peer id>", ErrAddr, s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return Target{}, fmt.Errorf("%w %q: port %s", ErrAddr, s, port)
	}
	return Target{URL: scheme + "://" + net.JoinHostPort(host, port), Peer: id}, nil
}
