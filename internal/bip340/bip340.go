// Package bip340 is BIP-340 Schnorr signing and verification over secp256k1
// with math/big, written from the BIP. It is the browser build's: decred's
// secp256k1 (under btcec) links a 700 KB compressed table into every binary
// that imports it, more than a quarter of the nostr .wasm. It is variable
// time, which is why the native build keeps btcec: in the browser it signs
// only with the throwaway key each nostr session makes.
package bip340

import (
	"crypto/sha256"
	"errors"
	"math/big"
)

var (
	curveN = hexInt("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	gen    = point{
		fe{0x59f2815b16f81798, 0x029bfcdb2dce28d9, 0x55a06295ce870b07, 0x79be667ef9dcbbac},
		fe{0x9c47d08ffb10d4b8, 0xfd17b448a6855419, 0x5da4fbfc0e1108a8, 0x483ada7726a3c465},
		feOne,
	}
)

// Errors.
var (
	ErrSecret = errors.New("bip340: secret key out of range")
	ErrNonce  = errors.New("bip340: nonce is zero (retry with other aux bytes)")
)

func hexInt(s string) *big.Int {
	v, _ := new(big.Int).SetString(s, 16)
	return v
}

// PrivateKey is a secret key with its x-only public key.
type PrivateKey struct {
	d   *big.Int // the secret, negated if its point has an odd y
	pub []byte
}

// NewPrivateKey returns the key of a 32-byte big-endian secret in 1..n-1.
func NewPrivateKey(secret []byte) (*PrivateKey, error) {
	d := new(big.Int).SetBytes(secret)
	if len(secret) != 32 || d.Sign() == 0 || d.Cmp(curveN) >= 0 {
		return nil, ErrSecret
	}
	px, py := mul(gen, secret).affine()
	if py.isOdd() {
		d.Sub(curveN, d)
	}
	return &PrivateKey{d: d, pub: px.bytes()}, nil
}

// PublicKey returns the 32-byte x-only public key.
func (k *PrivateKey) PublicKey() []byte { return append([]byte(nil), k.pub...) }

// Sign returns the 64-byte BIP-340 signature of msg, with aux as the
// auxiliary random data (32 bytes; see the BIP's default signing).
func (k *PrivateKey) Sign(msg, aux []byte) ([]byte, error) {
	t := bytes32(k.d)
	for i, b := range taggedHash("BIP0340/aux", aux) {
		t[i] ^= b
	}
	n := new(big.Int).SetBytes(taggedHash("BIP0340/nonce", t, k.pub, msg))
	n.Mod(n, curveN)
	if n.Sign() == 0 {
		return nil, ErrNonce
	}
	rx, ry := mul(gen, bytes32(n)).affine()
	if ry.isOdd() {
		n.Sub(curveN, n)
	}
	r := rx.bytes()
	e := challenge(r, k.pub, msg)
	s := e.Mul(e, k.d)
	s.Add(s, n).Mod(s, curveN)
	return append(r, bytes32(s)...), nil
}

// Verify reports whether sig is a valid BIP-340 signature of msg by the
// 32-byte x-only public key pub.
func Verify(pub, msg, sig []byte) bool {
	if len(pub) != 32 || len(sig) != 64 {
		return false
	}
	px, ok := feFromBytes(pub)
	if !ok {
		return false
	}
	p, ok := liftX(px)
	if !ok {
		return false
	}
	r, ok := feFromBytes(sig[:32])
	if !ok || new(big.Int).SetBytes(sig[32:]).Cmp(curveN) >= 0 {
		return false
	}
	e := challenge(sig[:32], pub, msg)
	e.Sub(curveN, e) // R = s·G - e·P = s·G + (n-e)·P
	rp := mul2(gen, sig[32:], p, bytes32(e))
	if rp.infinity() {
		return false
	}
	x, y := rp.affine()
	return !y.isOdd() && x == r
}

func challenge(r, pk, msg []byte) *big.Int {
	e := new(big.Int).SetBytes(taggedHash("BIP0340/challenge", r, pk, msg))
	return e.Mod(e, curveN)
}

// taggedHash is SHA256(SHA256(tag) || SHA256(tag) || parts...).
func taggedHash(tag string, parts ...[]byte) []byte {
	th := sha256.Sum256([]byte(tag))
	h := sha256.New()
	h.Write(th[:])
	h.Write(th[:])
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// liftX returns the point with x coordinate x and an even y.
func liftX(x fe) (point, bool) {
	c := feAdd(feMul(feSqr(x), x), feSeven)
	y := fePow(c, sqrtExp)
	if feSqr(y) != c {
		return point{}, false
	}
	if y.isOdd() {
		y = feNeg(y)
	}
	return point{x, y, feOne}, true
}

func bytes32(v *big.Int) []byte {
	b := make([]byte, 32)
	return v.FillBytes(b)
}
