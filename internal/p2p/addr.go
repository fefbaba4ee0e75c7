package p2p

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ErrAddr reports a multiaddr this package cannot dial.
var ErrAddr = errors.New("p2p: unsupported multiaddr")

// Target is where a multiaddr says to dial: a WebSocket URL and the peer id
// the noise handshake must authenticate.
type Target struct {
	URL  string
	Peer ID
}

// ParseAddr parses a WebSocket multiaddr that names its peer:
// /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>/ws|wss|tls/ws[/p2p/<id>] with
// the /p2p/ part required (noise checks the peer's key against it). /ipfs/
// is read as /p2p/.
func ParseAddr(s string) (Target, error) {
	bad := func(why string, a ...any) (Target, error) {
		return Target{}, fmt.Errorf("%w %q: %s", ErrAddr, s, fmt.Sprintf(why, a...))
	}
	if !strings.HasPrefix(s, "/") {
		return bad("not a multiaddr")
	}
	parts := strings.Split(strings.TrimSuffix(s[1:], "/"), "/")
	var host, port, scheme string
	var id ID
	tls := false
	for i := 0; i < len(parts); i++ {
		name := parts[i]
		val := func() (string, bool) {
			if i+1 >= len(parts) || parts[i+1] == "" {
				return "", false
			}
			i++
			return parts[i], true
		}
		switch name {
		case "ip4", "ip6", "dns", "dns4", "dns6":
			v, ok := val()
			if !ok {
				return bad("/%s without a value", name)
			}
			if host != "" {
				return bad("two hosts")
			}
			if name == "ip4" || name == "ip6" {
				ip, err := netip.ParseAddr(v)
				if err != nil || ip.Is4() != (name == "ip4") || ip.Zone() != "" {
					return bad("%s address %q", name, v)
				}
				v = ip.String()
			} else if strings.ContainsAny(v, "[]:@?#% ") {
				return bad("host name %q", v)
			}
			host = v
		case "tcp":
			v, ok := val()
			if !ok {
				return bad("/tcp without a port")
			}
			if _, err := strconv.ParseUint(v, 10, 16); err != nil || port != "" {
				return bad("port %s", v)
			}
			port = v
		case "tls":
			tls = true
		case "ws":
			scheme = "ws"
			if tls {
				scheme = "wss"
			}
		case "wss":
			scheme = "wss"
		case "p2p", "ipfs":
			v, ok := val()
			if !ok {
				return bad("/%s without a peer id", name)
			}
			var err error
			if id, err = DecodeID(v); err != nil {
				return bad("peer id: %v", err)
			}
		default:
			return bad("%s", name)
		}
	}
	switch {
	case host == "" || port == "":
		return bad("no host and TCP port")
	case scheme == "":
		return bad("not a WebSocket address (/ws or /wss)")
	case id == "":
		return bad("no /p2p/<peer id>")
	}
	return Target{URL: scheme + "://" + net.JoinHostPort(host, port), Peer: id}, nil
}
