//go:build !js

package p2p

import (
	"fmt"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
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

// TestVerifyKey: signatures by go-libp2p's ed25519 and secp256k1 keys
// verify, with the peer id go-libp2p gives the key; a changed message or
// signature does not.
func TestVerifyKey(t *testing.T) {
	for _, typ := range []int{crypto.Ed25519, crypto.Secp256k1} {
		for i := range 8 {
			priv, pub, err := crypto.GenerateKeyPair(typ, 256)
			if err != nil {
				t.Fatal(err)
			}
			key, _ := crypto.MarshalPublicKey(pub)
			want, _ := peer.IDFromPublicKey(pub)
			msg := []byte(fmt.Sprintf("message %d", i))
			sig, err := priv.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			id, err := verifyKey(key, msg, sig)
			if err != nil || string(id) != string(want) {
				t.Fatalf("key type %d: verifyKey = %s, %v; want %s", typ, id, err, want)
			}
			msg[0] ^= 1
			if _, err := verifyKey(key, msg, sig); err == nil {
				t.Fatalf("key type %d: changed message verifies", typ)
			}
			msg[0] ^= 1
			sig[len(sig)-1] ^= 1
			if _, err := verifyKey(key, msg, sig); err == nil {
				t.Fatalf("key type %d: changed signature verifies", typ)
			}
		}
	}
}

// FuzzCheckPayload: any handshake payload is accepted only if it is a
// valid signed identity of the wanted peer; it never panics.
func FuzzCheckPayload(f *testing.F) {
	f.Add([]byte{0x0a, 0x24, 0x08, 0x01, 0x12, 0x20}, []byte("static"))
	f.Add([]byte{0x0a, 0x25, 0x08, 0x02, 0x12, 0x21, 0x02}, []byte{})
	f.Fuzz(func(t *testing.T, p, static []byte) {
		if err := checkPayload(p, static, "want"); err == nil {
			t.Fatal("a payload authenticated an impossible peer id")
		}
	})
}
