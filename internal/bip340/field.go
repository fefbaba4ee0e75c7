package bip340

import "math/bits"

// fe is an element of the field mod p = 2²⁵⁶ - 2³² - 977 in four
// little-endian 64-bit limbs, always fully reduced (< p). Fixed limbs, not
// math/big: the js/wasm build has no assembly for math/big, whose
// allocations and divisions made one scalar multiplication take 300 ms.
type fe [4]uint64

// fieldC is 2²⁵⁶ - p: 2²⁵⁶ ≡ fieldC (mod p).
const fieldC = 0x1000003d1

var (
	fieldP  = fe{0xfffffffefffffc2f, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff}
	feZero  = fe{}
	feOne   = fe{1}
	feSeven = fe{7}
	// pMinus2 and sqrtExp ((p+1)/4) are the exponents of inversion and of
	// the square root (p ≡ 3 mod 4).
	pMinus2 = fe{0xfffffffefffffc2d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff}
	sqrtExp = fe{0xffffffffbfffff0c, 0xffffffffffffffff, 0xffffffffffffffff, 0x3fffffffffffffff}
)

// feFromBytes reads 32 big-endian bytes; ok is false if the value is not
// below p.
func feFromBytes(b []byte) (r fe, ok bool) {
	for i := range 4 {
		for _, x := range b[24-8*i : 32-8*i] {
			r[i] = r[i]<<8 | uint64(x)
		}
	}
	_, borrow := sub256(r, fieldP)
	return r, borrow == 1
}

// bytes returns a as 32 big-endian bytes.
func (a fe) bytes() []byte {
	b := make([]byte, 32)
	for i := range 4 {
		for j := range 8 {
			b[31-8*i-j] = byte(a[i] >> (8 * j))
		}
	}
	return b
}

func (a fe) isZero() bool { return a == feZero }
func (a fe) isOdd() bool  { return a[0]&1 == 1 }

func sub256(a, b fe) (r fe, borrow uint64) {
	r[0], borrow = bits.Sub64(a[0], b[0], 0)
	r[1], borrow = bits.Sub64(a[1], b[1], borrow)
	r[2], borrow = bits.Sub64(a[2], b[2], borrow)
	r[3], borrow = bits.Sub64(a[3], b[3], borrow)
	return r, borrow
}

// reduceOnce maps a value below 2p to a value below p.
func reduceOnce(a fe) fe {
	if r, borrow := sub256(a, fieldP); borrow == 0 {
		return r
	}
	return a
}

// addSmall returns a + v, with the final carry.
func addSmall(a fe, v uint64) (r fe, carry uint64) {
	r[0], carry = bits.Add64(a[0], v, 0)
	r[1], carry = bits.Add64(a[1], 0, carry)
	r[2], carry = bits.Add64(a[2], 0, carry)
	r[3], carry = bits.Add64(a[3], 0, carry)
	return r, carry
}

func feAdd(a, b fe) fe {
	var r fe
	var carry uint64
	r[0], carry = bits.Add64(a[0], b[0], 0)
	r[1], carry = bits.Add64(a[1], b[1], carry)
	r[2], carry = bits.Add64(a[2], b[2], carry)
	r[3], carry = bits.Add64(a[3], b[3], carry)
	if carry == 1 { // a+b-2²⁵⁶ < p, and ≡ that + fieldC
		r, _ = addSmall(r, fieldC)
	}
	return reduceOnce(r)
}

func feSub(a, b fe) fe {
	r, borrow := sub256(a, b)
	if borrow == 1 { // r = a-b+2²⁵⁶; a-b+p = r - fieldC
		r, _ = sub256(r, fe{fieldC})
	}
	return r
}

func feNeg(a fe) fe { return feSub(feZero, a) }

func feMul(a, b fe) fe {
	var t [8]uint64
	for i := range 4 {
		var carry uint64
		for j := range 4 {
			hi, lo := bits.Mul64(a[i], b[j])
			var c uint64
			lo, c = bits.Add64(lo, t[i+j], 0)
			hi += c
			lo, c = bits.Add64(lo, carry, 0)
			hi += c
			t[i+j], carry = lo, hi
		}
		t[i+4] = carry
	}
	// t = hi·2²⁵⁶ + lo ≡ lo + hi·fieldC
	var r fe
	var carry uint64
	for i := range 4 {
		hi, lo := bits.Mul64(t[4+i], fieldC)
		var c uint64
		lo, c = bits.Add64(lo, t[i], 0)
		hi += c
		lo, c = bits.Add64(lo, carry, 0)
		hi += c
		r[i], carry = lo, hi
	}
	// carry < 2³⁴: fold carry·fieldC (< 2⁶⁸) in once more.
	hi, lo := bits.Mul64(carry, fieldC)
	var c uint64
	r[0], c = bits.Add64(r[0], lo, 0)
	r[1], c = bits.Add64(r[1], hi, c)
	r[2], c = bits.Add64(r[2], 0, c)
	r[3], c = bits.Add64(r[3], 0, c)
	if c == 1 { // the value is now small: this cannot carry again
		r, _ = addSmall(r, fieldC)
	}
	return reduceOnce(r)
}

func feSqr(a fe) fe { return feMul(a, a) }

// fePow returns a^e.
func fePow(a, e fe) fe {
	r := feOne
	for i := 255; i >= 0; i-- {
		r = feSqr(r)
		if e[i/64]>>(i%64)&1 == 1 {
			r = feMul(r, a)
		}
	}
	return r
}

// feInv returns 1/a (a ≠ 0), as a^(p-2).
func feInv(a fe) fe { return fePow(a, pMinus2) }
