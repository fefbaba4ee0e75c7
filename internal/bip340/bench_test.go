package bip340

import (
	"bytes"
	"testing"
)

func BenchmarkSign(b *testing.B) {
	k, _ := NewPrivateKey(bytes.Repeat([]byte{3}, 32))
	msg := make([]byte, 32)
	for b.Loop() {
		if _, err := k.Sign(msg, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	k, _ := NewPrivateKey(bytes.Repeat([]byte{3}, 32))
	msg := make([]byte, 32)
	pub := k.PublicKey()
	sig, _ := k.Sign(msg, msg)
	for b.Loop() {
		if !Verify(pub, msg, sig) {
			b.Fatal("does not verify")
		}
	}
}
