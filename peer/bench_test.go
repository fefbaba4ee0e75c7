//go:build !js

package peer

import (
	"testing"
)

// BenchmarkSendThroughput measures Send→OnData between two native peers over
// loopback: 32 MiB per iteration in 16 KiB messages (Trystero's chunk size,
// wire-0.18 §5.1). Run inside scripts/in-netns.
func BenchmarkSendThroughput(b *testing.B) {
	const total, chunk = 32 << 20, 16384
	pr := newPair(b, pairOpts{})
	pr.waitConnected(b)
	got := make(chan struct{}, 1)
	received := 0
	pr.b.OnData(func(m []byte) {
		received += len(m)
		if received >= total {
			received -= total
			got <- struct{}{}
		}
	})
	buf := make([]byte, chunk)
	ctx := ctxT(b)
	b.SetBytes(total)
	b.ResetTimer()
	for range b.N {
		for off := 0; off < total; off += chunk {
			if err := pr.a.Send(ctx, buf); err != nil {
				b.Fatal(err)
			}
		}
		recv(b, "all bytes", got)
	}
}
