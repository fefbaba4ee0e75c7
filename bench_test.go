package posthorn

import (
	"testing"

	"github.com/posthorn/posthorn/transfer"
)

// BenchmarkSend32MiB moves 32 MiB of binary from one Room to another over a
// real pion data channel (loopback, inside the netns) and waits until the
// receiving Room has delivered the whole message.
func BenchmarkSend32MiB(b *testing.B) {
	const size = 32 << 20
	x, y := newMember(b), newMember(b)
	link(b, x, y)
	send, err := x.room.MakeAction("bench")
	if err != nil {
		b.Fatal(err)
	}
	recvAct, err := y.room.MakeAction("bench")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan int, 1)
	recvAct.OnReceive(func(m transfer.Message, _ string) { done <- len(m.Data) })
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	ctx := testCtx(b)
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		if err := send.Send(ctx, payload, nil); err != nil {
			b.Fatal(err)
		}
		if n := recv(b, done, "32 MiB message"); n != size {
			b.Fatalf("received %d bytes", n)
		}
	}
}
