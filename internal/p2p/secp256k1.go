package p2p

import (
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"
)

// secp256k1 ECDSA verification for the identity keys of nwaku nodes, on
// math/big: it only handles public data, so it need not be constant time,
// and it is a few hundred bytes of code where a secp256k1 library brings
// its precomputed tables (about 1 MB of .wasm).

// k1Curve holds the curve y² = x³ + 7 over F_p (SEC 2).
type k1Curve struct{ p, n, gx, gy, sqrtExp *big.Int }

var k1 = sync.OnceValue(func() *k1Curve {
	hex := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 16); return v }
	c := &k1Curve{
		p:  hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"),
		n:  hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"),
		gx: hex("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"),
		gy: hex("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8"),
	}
	// p ≡ 3 (mod 4): a square root of a is a^((p+1)/4).
	c.sqrtExp = new(big.Int).Rsh(new(big.Int).Add(c.p, big.NewInt(1)), 2)
	return c
})

// k1Point is an affine point; nil is the point at infinity.
type k1Point struct{ x, y *big.Int }

// rhs is x³ + 7 mod p.
func (c *k1Curve) rhs(x *big.Int) *big.Int {
	r := new(big.Int).Exp(x, big.NewInt(3), c.p)
	return r.Mod(r.Add(r, big.NewInt(7)), c.p)
}

// parsePub reads a SEC 1 public key, compressed (33 bytes) or not (65).
func (c *k1Curve) parsePub(b []byte) (*k1Point, error) {
	bad := errors.New("secp256k1 key: not a point of the curve")
	switch {
	case len(b) == 33 && (b[0] == 2 || b[0] == 3):
		x := new(big.Int).SetBytes(b[1:])
		if x.Cmp(c.p) >= 0 {
			return nil, bad
		}
		r := c.rhs(x)
		y := new(big.Int).Exp(r, c.sqrtExp, c.p)
		if new(big.Int).Exp(y, big.NewInt(2), c.p).Cmp(r) != 0 {
			return nil, bad
		}
		if y.Bit(0) != uint(b[0]&1) {
			y.Sub(c.p, y)
		}
		return &k1Point{x, y}, nil
	case len(b) == 65 && b[0] == 4:
		x, y := new(big.Int).SetBytes(b[1:33]), new(big.Int).SetBytes(b[33:])
		if x.Cmp(c.p) >= 0 || y.Cmp(c.p) >= 0 ||
			new(big.Int).Exp(y, big.NewInt(2), c.p).Cmp(c.rhs(x)) != 0 {
			return nil, bad
		}
		return &k1Point{x, y}, nil
	}
	return nil, errors.New("secp256k1 key: not a SEC 1 encoding")
}

func (c *k1Curve) add(a, b *k1Point) *k1Point {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	p := c.p
	l := new(big.Int)
	if a.x.Cmp(b.x) == 0 {
		if a.y.Cmp(b.y) != 0 || a.y.Sign() == 0 {
			return nil
		}
		num := new(big.Int).Mul(a.x, a.x)
		num.Mul(num, big.NewInt(3))
		den := new(big.Int).Lsh(a.y, 1)
		l.Mul(num, den.ModInverse(den.Mod(den, p), p))
	} else {
		num := new(big.Int).Sub(b.y, a.y)
		den := new(big.Int).Sub(b.x, a.x)
		l.Mul(num, den.ModInverse(den.Mod(den, p), p))
	}
	l.Mod(l, p)
	x := new(big.Int).Mul(l, l)
	x.Sub(x, a.x).Sub(x, b.x).Mod(x, p)
	y := new(big.Int).Sub(a.x, x)
	y.Mul(y, l).Sub(y, a.y).Mod(y, p)
	return &k1Point{x, y}
}

func (c *k1Curve) mul(pt *k1Point, k *big.Int) *k1Point {
	var r *k1Point
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = c.add(r, r)
		if k.Bit(i) == 1 {
			r = c.add(r, pt)
		}
	}
	return r
}

// verifySecp256k1 checks a DER-encoded ECDSA signature over SHA-256(msg),
// as libp2p's secp256k1 keys sign.
func verifySecp256k1(pub, msg, sig []byte) error {
	c := k1()
	q, err := c.parsePub(pub)
	if err != nil {
		return err
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) > 0 {
		return errors.New("secp256k1 signature: not DER")
	}
	one := big.NewInt(1)
	if rs.R.Cmp(one) < 0 || rs.R.Cmp(c.n) >= 0 || rs.S.Cmp(one) < 0 || rs.S.Cmp(c.n) >= 0 {
		return errors.New("secp256k1 signature: out of range")
	}
	h := sha256.Sum256(msg)
	e := new(big.Int).SetBytes(h[:])
	w := new(big.Int).ModInverse(rs.S, c.n)
	u1 := new(big.Int).Mul(e, w)
	u2 := new(big.Int).Mul(rs.R, w)
	pt := c.add(c.mul(&k1Point{c.gx, c.gy}, u1.Mod(u1, c.n)), c.mul(q, u2.Mod(u2, c.n)))
	if pt == nil || new(big.Int).Mod(pt.x, c.n).Cmp(rs.R) != 0 {
		return errors.New("secp256k1 signature does not verify")
	}
	return nil
}
