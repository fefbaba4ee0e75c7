package torrent

import (
	"bytes"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// BenchmarkTransfer32MiB sends 32 MiB from one native peer to another that
// met through the Go tracker, and waits for the whole message to arrive.
//
//	scripts/in-netns go test -run XXX -bench Transfer32MiB -benchtime 3x ./signal/torrent/
func BenchmarkTransfer32MiB(b *testing.B) {
	testutil.RequireNetns(b)
	const size = 32 << 20
	cfg := posthorn.Config{RelayURLs: []string{startTracker(b).URL}}
	x := strategytest.Join(b, harness, "bench", cfg)
	y := strategytest.Join(b, harness, "bench", cfg)
	x.WaitPeers(b, y)
	y.WaitPeers(b, x)
	data := strategytest.Pattern(size, 3)
	ctx := strategytest.Ctx(b)
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		if err := x.Action("file").Send(ctx, data, &posthorn.SendOptions{Targets: []string{y.ID}}); err != nil {
			b.Fatal(err)
		}
		if r := y.Recv(b, "file"); !bytes.Equal(r.Msg.Data, data) {
			b.Fatal("data differs")
		}
	}
}
