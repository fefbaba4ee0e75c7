//go:build !js

package peer

import (
	"bytes"
	"crypto/sha256"
	"sync/atomic"
	"testing"
	"time"
)

// TestBufferedAmountLowThreshold checks that both ends keep Trystero's 64 KiB
// bufferedAmountLowThreshold (protocol-0.18 §5.6) whatever the send window.
func TestBufferedAmountLowThreshold(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	for name, p := range map[string]*Peer{"initiator": pr.a, "non-initiator": pr.b} {
		if got := p.channel().dc.BufferedAmountLowThreshold(); got != 65536 {
			t.Errorf("%s: bufferedAmountLowThreshold %d, want 65536", name, got)
		}
	}
}

// TestStalledReceiverBoundsSender stalls the receiving handler and checks
// that backpressure reaches the sender: Send stops accepting data once the
// receiver's inbox, its SCTP window and the sender's window are full, long
// before the whole stream is taken; after the stall every byte arrives in
// order.
func TestStalledReceiverBoundsSender(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	const total, chunk = 24 << 20, 16384
	// What the pipe can hold while the handler is stuck: the inbox, one
	// message in pion's read loop, pion's 1 MiB SCTP receive window and the
	// sender's window, plus one message of slack for each.
	const bound = inboxLimit + (1 << 20) + sendHighWater + 4*chunk
	src := make([]byte, total)
	for i := range src {
		src[i] = byte(i*7 + i>>14)
	}
	release := make(chan struct{})
	done := make(chan struct{})
	h := sha256.New()
	received := 0
	var once atomicOnce
	pr.b.OnData(func(b []byte) {
		if once.first() {
			<-release
		}
		h.Write(b)
		received += len(b)
		if received == total {
			close(done)
		}
	})
	var accepted atomic.Int64
	sendErr := make(chan error, 1)
	go func() {
		buf := make([]byte, chunk)
		for off := 0; off < total; off += chunk {
			copy(buf, src[off:off+chunk])
			if err := pr.a.Send(ctxT(t), buf); err != nil {
				sendErr <- err
				return
			}
			accepted.Add(chunk)
		}
		sendErr <- nil
	}()
	// The sender's window fills only after everything downstream is full.
	waitFor(t, "the sender's window to fill", func() bool {
		ch := pr.a.channel()
		return ch.bufferedAmount()+chunk > ch.highWater()
	})
	time.Sleep(100 * time.Millisecond) // give a broken Send the chance to run on
	if n := accepted.Load(); n > bound {
		t.Fatalf("Send accepted %d bytes while the receiver was stalled, want <= %d", n, bound)
	}
	close(release)
	recv(t, "whole stream", done)
	if err := recv(t, "sender end", sendErr); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(src)
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("stream corrupted")
	}
}

// atomicOnce reports true to the first caller only.
type atomicOnce struct{ done atomic.Bool }

func (o *atomicOnce) first() bool { return o.done.CompareAndSwap(false, true) }
