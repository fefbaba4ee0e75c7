package relays

import (
	"math"
	"math/big"
)

// This file is V8's Math.sin, which the nostr relay shuffle consumes
// (protocol-0.25 §11.2, §14.9): V8 computes it with its port of fdlibm
// (Sun's freely distributable libm: __kernel_sin, __kernel_cos and
// __ieee754_rem_pio2), and Go's math.Sin differs from it in the last bit for
// some inputs. The algorithm and its constants are fdlibm's; the large-
// argument reduction, which fdlibm does with a table of 2/π, is done here
// exactly with math/big instead.

// Polynomial coefficients of __kernel_sin and __kernel_cos.
const (
	s1 = -1.66666666666666324348e-01 // 0xBFC55555 0x55555549
	s2 = 8.33333333332248946124e-03  // 0x3F811111 0x1110F8A6
	s3 = -1.98412698298579493134e-04 // 0xBF2A01A0 0x19C161D5
	s4 = 2.75573137070700676789e-06  // 0x3EC71DE3 0x57B1FE7D
	s5 = -2.50507602534068634195e-08 // 0xBE5AE5E6 0x8A2B9CEB
	s6 = 1.58969099521155010221e-10  // 0x3DE5D93A 0x5ACFD57C

	c1 = 4.16666666666666019037e-02  // 0x3FA55555 0x5555554C
	c2 = -1.38888888888741095749e-03 // 0xBF56C16C 0x16C15177
	c3 = 2.48015872894767294178e-05  // 0x3EFA01A0 0x19CB1590
	c4 = -2.75573143513906633035e-07 // 0xBE927E4F 0x809C52AD
	c5 = 2.08757232129817482790e-09  // 0x3E21EE9E 0xBDB4B1C4
	c6 = -1.13596475577881948265e-11 // 0xBDA8FAE9 0xBE8838D4
)

// Constants of __ieee754_rem_pio2: π/2 split into 33-bit pieces.
const (
	invpio2 = 6.36619772367581382433e-01 // 0x3FE45F30 0x6DC9C883
	pio2_1  = 1.57079632673412561417e+00 // 0x3FF921FB 0x54400000
	pio2_1t = 6.07710050650619224932e-11 // 0x3DD0B461 0x1A626331
	pio2_2  = 6.07710050630396597660e-11 // 0x3DD0B461 0x1A600000
	pio2_2t = 2.02226624879595063154e-21 // 0x3BA3198A 0x2E037073
	pio2_3  = 2.02226624871116645580e-21 // 0x3BA3198A 0x2E000000
	pio2_3t = 8.47842766036889956997e-32 // 0x397B839A 0x252049C1
)

// npio2hw holds the high words of n·π/2 for n = 1…32.
var npio2hw = [32]uint32{
	0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C,
	0x4025FDBB, 0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C,
	0x40346B9C, 0x4035FDBB, 0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A,
	0x403DD85A, 0x403F6A7A, 0x40407E4C, 0x4041475C, 0x4042106C, 0x4042D97C,
	0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB, 0x4046C6CB, 0x40478FDB,
	0x404858EB, 0x404921FB,
}

func highWord(x float64) uint32 { return uint32(math.Float64bits(x) >> 32) }

// v8Sin returns Math.sin(x) as V8 computes it.
func v8Sin(x float64) float64 {
	ix := highWord(x) & 0x7fffffff
	switch {
	case ix <= 0x3fe921fb: // |x| ≤ π/4
		return kernelSin(x, 0, false)
	case ix >= 0x7ff00000: // Inf or NaN
		return math.NaN()
	}
	n, y0, y1 := remPio2(x)
	switch n & 3 {
	case 0:
		return kernelSin(y0, y1, true)
	case 1:
		return kernelCos(y0, y1)
	case 2:
		return -kernelSin(y0, y1, true)
	}
	return -kernelCos(y0, y1)
}

// kernelSin is __kernel_sin: sin(x+y) for |x| ≤ π/4, y the tail of x.
func kernelSin(x, y float64, hasTail bool) float64 {
	if highWord(x)&0x7fffffff < 0x3e400000 && int32(x) == 0 { // |x| < 2^-27
		return x
	}
	z := x * x
	v := z * x
	r := s2 + z*(s3+z*(s4+z*(s5+z*s6)))
	if !hasTail {
		return x + v*(s1+z*r)
	}
	return x - ((z*(0.5*y-v*r) - y) - v*s1)
}

// kernelCos is __kernel_cos: cos(x+y) for |x| ≤ π/4.
func kernelCos(x, y float64) float64 {
	ix := highWord(x) & 0x7fffffff
	if ix < 0x3e400000 && int32(x) == 0 {
		return 1
	}
	z := x * x
	r := z * (c1 + z*(c2+z*(c3+z*(c4+z*(c5+z*c6)))))
	if ix < 0x3FD33333 { // |x| < 0.3
		return 1 - (0.5*z - (z*r - x*y))
	}
	var qx float64
	if ix > 0x3fe90000 { // |x| > 0.78125
		qx = 0.28125
	} else {
		qx = math.Float64frombits(uint64(ix-0x00200000) << 32) // x/4
	}
	hz := 0.5*z - qx
	a := 1 - qx
	return a - (hz - (z*r - x*y))
}

// remPio2 is __ieee754_rem_pio2: x = n·π/2 + (y0+y1), |y0+y1| ≤ π/4.
func remPio2(x float64) (n int32, y0, y1 float64) {
	hx := highWord(x)
	ix := hx & 0x7fffffff
	neg := hx>>31 != 0
	if ix < 0x4002d97c { // |x| < 3π/4: n = ±1
		if !neg {
			z := x - pio2_1
			if ix != 0x3ff921fb {
				y0 = z - pio2_1t
				return 1, y0, (z - y0) - pio2_1t
			}
			z -= pio2_2
			y0 = z - pio2_2t
			return 1, y0, (z - y0) - pio2_2t
		}
		z := x + pio2_1
		if ix != 0x3ff921fb {
			y0 = z + pio2_1t
			return -1, y0, (z - y0) + pio2_1t
		}
		z += pio2_2
		y0 = z + pio2_2t
		return -1, y0, (z - y0) + pio2_2t
	}
	if ix > 0x413921fb { // |x| > 2^19·π/2
		return remPio2Big(x)
	}
	t := math.Abs(x)
	n = int32(t*invpio2 + 0.5)
	fn := float64(n)
	r := t - fn*pio2_1
	w := fn * pio2_1t
	if n < 32 && ix != npio2hw[n-1] {
		y0 = r - w
	} else {
		j := ix >> 20
		y0 = r - w
		if i := j - (highWord(y0)>>20)&0x7ff; i > 16 { // second iteration
			t = r
			w = fn * pio2_2
			r = t - w
			w = fn*pio2_2t - ((t - r) - w)
			y0 = r - w
			if i := j - (highWord(y0)>>20)&0x7ff; i > 49 { // third iteration
				t = r
				w = fn * pio2_3
				r = t - w
				w = fn*pio2_3t - ((t - r) - w)
				y0 = r - w
			}
		}
	}
	y1 = (r - y0) - w
	if neg {
		return -n, -y0, -y1
	}
	return n, y0, y1
}

// bigPrec is enough bits of π for an exact reduction of any double:
// exponents reach 2^1023, and 2×53 bits of remainder are kept after that.
const bigPrec = 1200

var bigPio2 = func() *big.Float {
	// π/2 = 8·atan(1/5) − 2·atan(1/239) (Machin).
	atan := func(inv int64) *big.Float {
		x := new(big.Float).SetPrec(bigPrec).Quo(big.NewFloat(1).SetPrec(bigPrec), new(big.Float).SetInt64(inv))
		x2 := new(big.Float).SetPrec(bigPrec).Mul(x, x)
		sum := new(big.Float).SetPrec(bigPrec)
		term := new(big.Float).SetPrec(bigPrec).Set(x)
		eps := new(big.Float).SetMantExp(big.NewFloat(1), -bigPrec-8)
		for k := int64(1); term.Cmp(eps) > 0; k += 2 {
			q := new(big.Float).SetPrec(bigPrec).Quo(term, new(big.Float).SetInt64(k))
			if k%4 == 1 {
				sum.Add(sum, q)
			} else {
				sum.Sub(sum, q)
			}
			term.Mul(term, x2)
		}
		return sum
	}
	a := atan(5)
	a.Mul(a, big.NewFloat(8))
	b := atan(239)
	b.Mul(b, big.NewFloat(2))
	return a.Sub(a, b)
}()

// remPio2Big reduces a large |x| exactly: y0 is the remainder rounded to a
// double and y1 what is left, rounded, as fdlibm's __kernel_rem_pio2 yields
// them.
func remPio2Big(x float64) (int32, float64, float64) {
	t := new(big.Float).SetPrec(bigPrec).SetFloat64(math.Abs(x))
	q := new(big.Float).SetPrec(bigPrec).Quo(t, bigPio2)
	q.Add(q, big.NewFloat(0.5))
	qi, _ := q.Int(nil) // nearest multiple of π/2
	r := new(big.Float).SetPrec(bigPrec).Mul(new(big.Float).SetPrec(bigPrec).SetInt(qi), bigPio2)
	r.Sub(t, r)
	y0, _ := r.Float64()
	rest := new(big.Float).SetPrec(bigPrec).Sub(r, new(big.Float).SetFloat64(y0))
	y1, _ := rest.Float64()
	n := int32(new(big.Int).And(qi, big.NewInt(7)).Int64())
	if x < 0 {
		return -n, -y0, -y1
	}
	return n, y0, y1
}
