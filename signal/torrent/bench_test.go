package torrent

import (
	"bytes"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/room"
)

// BenchmarkTransfer32MiB sends 32 MiB from one native peer to another that
// met through the Go tracker, and waits for the whole message to arrive.
//
//	scripts/in-netns go test -run XXX -bench Transfer32MiB -benchtime 3x ./signal/torrent/
func BenchmarkTransfer32MiB(b *testing.B) {
	testutil.RequireNetns(b)
	const size = 32 << 20
	trk := startTracker(b)
	urls := []string{trk.url()}
	x := joinMember(b, urls, "posthorn-bench", "bench", "")
	y := joinMember(b, urls, "posthorn-bench", "bench", "")
	x.waitPeers(y)
	y.waitPeers(x)
	data := pattern(size, 3)
	ctx := ctxT(b)
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		if err := x.acts["file"].Send(ctx, data, &room.SendOptions{Targets: []string{y.id}}); err != nil {
			b.Fatal(err)
		}
		if r := y.recv("file"); !bytes.Equal(r.m.Data, data) {
			b.Fatal("data differs")
		}
	}
}
