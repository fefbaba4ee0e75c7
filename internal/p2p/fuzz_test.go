package p2p

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseAddr: any text parses to a ws/wss URL and a peer id, or fails
// with ErrAddr; it never panics.
func FuzzParseAddr(f *testing.F) {
	f.Add("/ip4/127.0.0.1/tcp/8000/ws/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
	f.Add("/dns4/node-01.example.net/tcp/8000/wss/p2p/16Uiu2HAm4v86W3bmT1BiH6oSPzcsSr24iDQpSN5Qa992BCjjwgrD")
	f.Add("/ip6/::1/tcp/1/tls/ws/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
	f.Add("/ip4/1.2.3.4/udp/1/quic-v1")
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseAddr(s)
		if err != nil {
			if !errors.Is(err, ErrAddr) {
				t.Fatalf("error %v is not ErrAddr", err)
			}
			return
		}
		if !strings.HasPrefix(tg.URL, "ws://") && !strings.HasPrefix(tg.URL, "wss://") || tg.Peer == "" {
			t.Fatalf("ParseAddr(%q) = %+v", s, tg)
		}
	})
}
