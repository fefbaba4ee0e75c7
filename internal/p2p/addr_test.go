package p2p

import (
	"errors"
	"testing"
)

func TestParseAddr(t *testing.T) {
	const id = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
	const k1 = "16Uiu2HAm4v86W3bmT1BiH6oSPzcsSr24iDQpSN5Qa992BCjjwgrD"
	for _, tc := range []struct{ in, url string }{
		{"/ip4/127.0.0.1/tcp/8000/ws/p2p/" + id, "ws://127.0.0.1:8000"},
		{"/ip6/::1/tcp/8000/ws/p2p/" + id, "ws://[::1]:8000"},
		{"/dns4/node-01.example.net/tcp/8000/wss/p2p/" + k1, "wss://node-01.example.net:8000"},
		{"/dns/example.net/tcp/443/tls/ws/p2p/" + id, "wss://example.net:443"},
	} {
		got, err := ParseAddr(tc.in)
		if err != nil || got.URL != tc.url || got.Peer.String() == "" {
			t.Errorf("ParseAddr(%q) = %+v, %v; want %s", tc.in, got, err, tc.url)
		}
	}
	for _, bad := range []string{
		"", "ws://127.0.0.1:8000", "/ip4/127.0.0.1/tcp/8000/ws",
		"/ip4/127.0.0.1/tcp/8000/p2p/" + id, "/ip4/127.0.0.1/udp/8000/quic-v1/p2p/" + id,
		"/ip4/127.0.0.1/ws/p2p/" + id, "/ip4/127.0.0.1/tcp/8000/ws/p2p/notanid",
	} {
		if _, err := ParseAddr(bad); !errors.Is(err, ErrAddr) {
			t.Errorf("ParseAddr(%q): %v, want ErrAddr", bad, err)
		}
	}
}
