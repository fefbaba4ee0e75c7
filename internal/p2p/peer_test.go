//go:build !js

package p2p

import (
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
)

// FuzzDecodeID: every id DecodeID accepts, go-libp2p decodes to the same
// bytes and prints the same way.
func FuzzDecodeID(f *testing.F) {
	f.Add("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")
	f.Add("16Uiu2HAm4v86W3bmT1BiH6oSPzcsSr24iDQpSN5Qa992BCjjwgrD")
	f.Add("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
	f.Add("1")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := DecodeID(s)
		if err != nil {
			return
		}
		want, err := peer.Decode(s)
		if err != nil {
			t.Fatalf("DecodeID(%q) = %x; go-libp2p: %v", s, id, err)
		}
		if string(id) != string(want) || id.String() != want.String() {
			t.Fatalf("DecodeID(%q) = %s, go-libp2p %s", s, id, want)
		}
	})
}
