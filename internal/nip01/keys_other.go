//go:build !js

package nip01

import (
	"encoding/hex"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/schnorr"
)

type secretKey = *btcec.PrivateKey

func newSecret() (Keys, error) {
	sk, err := btcec.NewPrivateKey()
	if err != nil {
		return Keys{}, err
	}
	return keysOf(sk), nil
}

func secretFrom(b []byte) (Keys, bool) {
	var k btcec.ModNScalar
	if overflow := k.SetByteSlice(b); overflow || k.IsZero() {
		return Keys{}, false
	}
	return keysOf(btcec.PrivKeyFromScalar(&k)), true
}

func keysOf(sk *btcec.PrivateKey) Keys {
	return Keys{secret: sk, PublicKey: hex.EncodeToString(schnorr.SerializePubKey(sk.PubKey()))}
}

func sign(sk secretKey, hash []byte) ([]byte, error) {
	sig, err := schnorr.Sign(sk, hash)
	if err != nil {
		return nil, err
	}
	return sig.Serialize(), nil
}

func verify(pub, hash, sig []byte) bool {
	pk, err := schnorr.ParsePubKey(pub)
	if err != nil {
		return false
	}
	s, err := schnorr.ParseSignature(sig)
	return err == nil && s.Verify(hash, pk)
}
