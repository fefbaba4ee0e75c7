//go:build !js

package browser

import (
	"fmt"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// BenchmarkTransfer32MiB sends 32 MiB (one binary action message) from one
// wasm page to another over their data channel and waits for the receiver's
// callback; run it with scripts/bench-browser.
func BenchmarkTransfer32MiB(b *testing.B) {
	const size = 32 << 20
	e := newEnv(b)
	p1, p2, _, _ := e.twoPages("bench")
	p2.Eval(b, `(() => {
  window.gotN = 0
  room.makeAction('big')[1](d => { if (d.byteLength === `+fmt.Sprint(size)+`) gotN++ })
  return true
})()`, nil)
	p1.Eval(b, `(() => {
  window.payload = new Uint8Array(`+fmt.Sprint(size)+`).map((_, i) => i & 0xff)
  window.sendBig = room.makeAction('big')[0]
  return true
})()`, nil)
	b.SetBytes(size)
	b.ResetTimer()
	start := time.Now()
	var sendMS float64
	for i := range b.N {
		// How long until send's Promise resolves: every chunk handed to
		// the channel (the last ≤64 KiB may still be buffered).
		sendMS += browsertest.EvalAs[float64](b, p1, "(async () => { const t = performance.now(); await sendBig(payload); return performance.now() - t })()")
		p2.WaitFor(b, fmt.Sprintf("gotN === %d", i+1), 5*time.Minute)
	}
	b.StopTimer()
	el := time.Since(start)
	b.ReportMetric(float64(size)*float64(b.N)/el.Seconds()/(1<<20), "MiB/s")
	b.ReportMetric(sendMS/float64(b.N), "send-ms/op")
}
