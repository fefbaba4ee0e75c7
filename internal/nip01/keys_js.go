//go:build js

package nip01

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/posthorn/posthorn/internal/bip340"
)

type secretKey = *bip340.PrivateKey

func newSecret() (Keys, error) {
	for {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return Keys{}, err
		}
		if k, ok := secretFrom(b); ok { // fails with odds of 2⁻¹²⁸
			return k, nil
		}
	}
}

func secretFrom(b []byte) (Keys, bool) {
	k, err := bip340.NewPrivateKey(b)
	if err != nil {
		return Keys{}, false
	}
	return Keys{secret: k, PublicKey: hex.EncodeToString(k.PublicKey())}, true
}

// sign signs with fresh aux bytes, BIP-340's default signing.
func sign(sk secretKey, hash []byte) ([]byte, error) {
	aux := make([]byte, 32)
	if _, err := rand.Read(aux); err != nil {
		return nil, err
	}
	return sk.Sign(hash, aux)
}

func verify(pub, hash, sig []byte) bool { return bip340.Verify(pub, hash, sig) }
