//go:build !js

package browser

import (
	"fmt"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// startPage times, in the page, the import of posthorn's torrent module
// (fetching and instantiating the wasm until joinRoom is callable).
const startPage = `<!doctype html>
<meta charset="utf-8">
<title>posthorn start</title>
<script type="module">
const t0 = performance.now()
const {joinRoom, selfId} = await import('./posthorn-torrent.mjs')
window.startMs = performance.now() - t0
Object.assign(window, {joinRoom, selfId})
</script>
`

// BenchmarkStartJoinPing measures, per browser, what a user of the wasm
// build waits for: start (import → joinRoom callable), join (the second
// page's joinRoom → its onPeerJoin for the first, through the Go tracker on
// loopback) and ping (mean of 10 room.ping round trips). Each op is a pair
// of fresh pages. Run it with
//
//	scripts/in-netns go test -run '^$' -bench StartJoinPing -benchtime 5x ./browser/
func BenchmarkStartJoinPing(b *testing.B) {
	for _, k := range browsertest.Kinds {
		b.Run(string(k), func(b *testing.B) {
			e := newEnvIn(b, k, "torrent")
			e.srv.AddFile("/start.html", []byte(startPage))
			var start, join, ping float64
			for i := range b.N {
				ns := fmt.Sprintf("start-%d", i)
				p1 := e.b.NewNamedPage(b, fmt.Sprintf("a%d", i), e.srv.URL+"/start.html")
				p2 := e.b.NewNamedPage(b, fmt.Sprintf("b%d", i), e.srv.URL+"/start.html")
				for _, p := range []*browsertest.Page{p1, p2} {
					p.WaitFor(b, "window.startMs !== undefined", 0)
					start += browsertest.EvalAs[float64](b, p, "startMs") / 2
				}
				p1.Eval(b, "window.room = joinRoom("+e.config("")+", "+jsString(ns)+"); true", nil)
				join += browsertest.EvalAs[float64](b, p2, `new Promise(resolve => {
  const t0 = performance.now()
  window.room = joinRoom(`+e.config("")+`, `+jsString(ns)+`)
  room.onPeerJoin(() => resolve(performance.now() - t0))
})`)
				ping += browsertest.EvalAs[float64](b, p2, `(async () => {
  const id = Object.keys(room.getPeers())[0]
  let sum = 0
  for (let i = 0; i < 10; i++) sum += await room.ping(id)
  return sum / 10
})()`)
				p1.Close()
				p2.Close()
			}
			n := float64(b.N)
			b.ReportMetric(start/n, "start-ms")
			b.ReportMetric(join/n, "join-ms")
			b.ReportMetric(ping/n, "ping-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
