package bip340

// point is a secp256k1 point in Jacobian coordinates (x/z², y/z³); z = 0
// is the point at infinity.
type point struct{ x, y, z fe }

var infinity = point{feZero, feOne, feZero}

func (p point) infinity() bool { return p.z.isZero() }

// affine returns x/z² and y/z³; p must not be the point at infinity.
func (p point) affine() (x, y fe) {
	zi := feInv(p.z)
	zi2 := feSqr(zi)
	return feMul(p.x, zi2), feMul(p.y, feMul(zi2, zi))
}

// double returns 2p (the a = 0 doubling of Bernstein and Lange's
// Explicit-Formulas Database, dbl-2009-l).
func double(p point) point {
	if p.infinity() || p.y.isZero() {
		return infinity
	}
	a := feSqr(p.x)
	b := feSqr(p.y)
	c := feSqr(b)
	d := feSub(feSub(feSqr(feAdd(p.x, b)), a), c)
	d = feAdd(d, d)
	e := feAdd(feAdd(a, a), a)
	x3 := feSub(feSqr(e), feAdd(d, d))
	c8 := feAdd(c, c)
	c8 = feAdd(c8, c8)
	c8 = feAdd(c8, c8)
	y3 := feSub(feMul(e, feSub(d, x3)), c8)
	z3 := feMul(p.y, p.z)
	return point{x3, y3, feAdd(z3, z3)}
}

// add returns p + q (add-2007-bl, with the doubling and inverse cases).
func add(p, q point) point {
	switch {
	case p.infinity():
		return q
	case q.infinity():
		return p
	}
	z1z1 := feSqr(p.z)
	z2z2 := feSqr(q.z)
	u1 := feMul(p.x, z2z2)
	u2 := feMul(q.x, z1z1)
	s1 := feMul(feMul(p.y, q.z), z2z2)
	s2 := feMul(feMul(q.y, p.z), z1z1)
	h := feSub(u2, u1)
	r := feSub(s2, s1)
	if h.isZero() {
		if r.isZero() {
			return double(p)
		}
		return infinity
	}
	h2 := feAdd(h, h)
	i := feSqr(h2)
	j := feMul(h, i)
	r = feAdd(r, r)
	v := feMul(u1, i)
	x3 := feSub(feSub(feSqr(r), j), feAdd(v, v))
	s1j := feMul(s1, j)
	y3 := feSub(feMul(r, feSub(v, x3)), feAdd(s1j, s1j))
	zs := feAdd(p.z, q.z)
	z3 := feMul(feSub(feSub(feSqr(zs), z1z1), z2z2), h)
	return point{x3, y3, z3}
}

// mul returns k·p (k: 32 big-endian bytes) with a fixed 4-bit window.
func mul(p point, k []byte) point {
	var tab [16]point
	tab[0] = infinity
	for i := 1; i < 16; i++ {
		tab[i] = add(tab[i-1], p)
	}
	acc := infinity
	for _, b := range k {
		for _, w := range [2]byte{b >> 4, b & 15} {
			acc = double(double(double(double(acc))))
			if w != 0 {
				acc = add(acc, tab[w])
			}
		}
	}
	return acc
}

// mul2 returns a·p + b·q with one chain of doublings (Shamir's trick).
func mul2(p point, a []byte, q point, b []byte) point {
	var tp, tq [16]point
	tp[0], tq[0] = infinity, infinity
	for i := 1; i < 16; i++ {
		tp[i], tq[i] = add(tp[i-1], p), add(tq[i-1], q)
	}
	acc := infinity
	for i := range a {
		for _, sh := range [2]uint{4, 0} {
			acc = double(double(double(double(acc))))
			if w := a[i] >> sh & 15; w != 0 {
				acc = add(acc, tp[w])
			}
			if w := b[i] >> sh & 15; w != 0 {
				acc = add(acc, tq[w])
			}
		}
	}
	return acc
}
