package bip340

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestFieldAgainstBig: add, sub, mul and inverse agree with math/big mod p
// for random elements and the edges 0, 1, p-1, p-2 and 2²⁵⁶ mod p.
func TestFieldAgainstBig(t *testing.T) {
	p := new(big.Int).SetBytes(fieldP.bytes())
	toBig := func(a fe) *big.Int { return new(big.Int).SetBytes(a.bytes()) }
	pm1, _ := feFromBytes(new(big.Int).Sub(p, big.NewInt(1)).FillBytes(make([]byte, 32)))
	vals := []fe{feZero, feOne, pm1, pMinus2, {fieldC}}
	for range 200 {
		b := make([]byte, 32)
		rand.Read(b)
		if v, ok := feFromBytes(b); ok {
			vals = append(vals, v)
		}
	}
	for _, a := range vals {
		for _, b := range vals[:12] {
			A, B := toBig(a), toBig(b)
			check := func(op string, got fe, want *big.Int) {
				if w := want.Mod(want, p); toBig(got).Cmp(w) != 0 {
					t.Fatalf("%x %s %x = %x, want %x", A, op, B, toBig(got), w)
				}
			}
			check("+", feAdd(a, b), new(big.Int).Add(A, B))
			check("-", feSub(a, b), new(big.Int).Sub(A, B))
			check("*", feMul(a, b), new(big.Int).Mul(A, B))
		}
		if !a.isZero() {
			if got := feMul(a, feInv(a)); got != feOne {
				t.Fatalf("%x · 1/%x = %x", toBig(a), toBig(a), toBig(got))
			}
		}
	}
	if _, ok := feFromBytes(fieldP.bytes()); ok {
		t.Fatal("feFromBytes accepted p")
	}
}
