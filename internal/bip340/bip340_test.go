package bip340

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/schnorr"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVectors: test vectors 0 and 1 of BIP-340 byte for byte.
func TestVectors(t *testing.T) {
	for _, v := range []struct{ secret, pub, aux, msg, sig string }{
		{"0000000000000000000000000000000000000000000000000000000000000003",
			"f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0000000000000000000000000000000000000000000000000000000000000000",
			"e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0"},
		{"b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef",
			"dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659",
			"0000000000000000000000000000000000000000000000000000000000000001",
			"243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89",
			"6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a"},
	} {
		k, err := NewPrivateKey(unhex(t, v.secret))
		if err != nil {
			t.Fatal(err)
		}
		pub := k.PublicKey()
		if hex.EncodeToString(pub) != v.pub {
			t.Fatalf("public key of %s = %x; want %s", v.secret, pub, v.pub)
		}
		sig, err := k.Sign(unhex(t, v.msg), unhex(t, v.aux))
		if err != nil || hex.EncodeToString(sig) != v.sig {
			t.Fatalf("Sign = %x, %v; want %s", sig, err, v.sig)
		}
		if !Verify(pub, unhex(t, v.msg), sig) {
			t.Fatal("the vector's signature does not verify")
		}
	}
}

// TestAgainstBtcec: for random keys, messages and aux bytes, Sign gives
// btcec's signature with the same aux (schnorr.CustomNonce) byte for byte,
// and each side verifies the other's.
func TestAgainstBtcec(t *testing.T) {
	for i := range 50 {
		sk, err := btcec.NewPrivateKey()
		if err != nil {
			t.Fatal(err)
		}
		var aux [32]byte
		msg := make([]byte, 32)
		rand.Read(aux[:])
		rand.Read(msg)
		secret := sk.Key.Bytes()
		k, err := NewPrivateKey(secret[:])
		if err != nil {
			t.Fatal(err)
		}
		pub := k.PublicKey()
		if want := schnorr.SerializePubKey(sk.PubKey()); !bytes.Equal(pub, want) {
			t.Fatalf("%d: public key %x, btcec %x", i, pub, want)
		}
		sig, err := k.Sign(msg, aux[:])
		if err != nil {
			t.Fatal(err)
		}
		want, err := schnorr.Sign(sk, msg, schnorr.CustomNonce(aux))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sig, want.Serialize()) {
			t.Fatalf("%d: signature %x, btcec %x", i, sig, want.Serialize())
		}
		other, err := schnorr.Sign(sk, msg) // btcec's own nonce
		if err != nil {
			t.Fatal(err)
		}
		if !Verify(pub, msg, other.Serialize()) {
			t.Fatalf("%d: btcec's signature does not verify", i)
		}
	}
}

// TestVerifyRejects: a valid signature altered in any part, or checked
// against another key or message, fails; so do out-of-range values.
func TestVerifyRejects(t *testing.T) {
	secret := unhex(t, "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef")
	k, err := NewPrivateKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	pub := k.PublicKey()
	msg := bytes.Repeat([]byte{7}, 32)
	sig, err := k.Sign(msg, make([]byte, 32))
	if err != nil || !Verify(pub, msg, sig) {
		t.Fatalf("setup: %v", err)
	}
	three, _ := NewPrivateKey(unhex(t, "0000000000000000000000000000000000000000000000000000000000000003"))
	other := three.PublicKey()
	ff := bytes.Repeat([]byte{0xff}, 32)
	cases := map[string]struct{ pub, msg, sig []byte }{
		"other key":     {other, msg, sig},
		"other message": {pub, bytes.Repeat([]byte{8}, 32), sig},
		"r >= p":        {pub, msg, append(append([]byte{}, ff...), sig[32:]...)},
		"s >= n":        {pub, msg, append(append([]byte{}, sig[:32]...), ff...)},
		"key >= p":      {ff, msg, sig},
		"short sig":     {pub, msg, sig[:63]},
		// x = 5 has no point on the curve (5³+7 = 132 is no square mod p)
		"key off curve": {unhex(t, "0000000000000000000000000000000000000000000000000000000000000005"), msg, sig},
	}
	for i := range 64 {
		bad := append([]byte{}, sig...)
		bad[i] ^= 1
		cases["bit flipped in byte "+string(rune('A'+i%26))+string(rune('0'+i/26))] = struct{ pub, msg, sig []byte }{pub, msg, bad}
	}
	if _, ok := liftX(fe{5}); ok {
		t.Error("liftX(5) found a point")
	}
	for name, c := range cases {
		if Verify(c.pub, c.msg, c.sig) {
			t.Errorf("%s: verifies", name)
		}
	}
	for _, s := range []string{"00", "0000000000000000000000000000000000000000000000000000000000000000",
		"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"} {
		if _, err := NewPrivateKey(unhex(t, s)); err == nil {
			t.Errorf("NewPrivateKey(%s) accepted", s)
		}
	}
}
