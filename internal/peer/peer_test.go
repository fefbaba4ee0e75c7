//go:build !js

package peer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/posthorn/posthorn/internal/testutil"
)

func countDataChannels(pc *webrtc.PeerConnection) int {
	n := 0
	for _, s := range pc.GetStats() {
		if _, ok := s.(webrtc.DataChannelStats); ok {
			n++
		}
	}
	return n
}

func TestConnectNonTrickle(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)

	for _, c := range []struct {
		name string
		log  *signalLog
		typ  string
	}{{"initiator", &pr.aSig, TypeOffer}, {"non-initiator", &pr.bSig, TypeAnswer}} {
		sigs := c.log.all()
		if len(sigs) != 1 {
			t.Fatalf("%s emitted %d signals, want exactly one SDP: %+v", c.name, len(sigs), sigs)
		}
		s := sigs[0]
		if s.Type != c.typ {
			t.Errorf("%s signal type %q, want %q", c.name, s.Type, c.typ)
		}
		if !strings.Contains(s.SDP, "a=candidate:") {
			t.Errorf("%s SDP carries no candidates:\n%s", c.name, s.SDP)
		}
		if strings.Contains(s.SDP, "a=ice-options:trickle") {
			t.Errorf("%s SDP still has a=ice-options:trickle", c.name)
		}
		if n := strings.Count(s.SDP, "m=application"); n != 1 {
			t.Errorf("%s SDP has %d application m-lines, want 1", c.name, n)
		}
	}
	waitFor(t, "data channel stats", func() bool {
		return countDataChannels(pr.a.PeerConnection()) == 1 && countDataChannels(pr.b.PeerConnection()) == 1
	})
	if ch := pr.b.channel(); ch == nil || !ch.dc.Ordered() || ch.dc.MaxRetransmits() != nil || ch.dc.MaxPacketLifeTime() != nil {
		t.Fatal("non-initiator's adopted channel is not ordered and reliable")
	}
	if a, b := pr.a.channel().dc.Label(), pr.b.channel().dc.Label(); a != b || strings.Count(a, ",") != labelBytes-1 {
		t.Fatalf("labels %q / %q", a, b)
	}
}

func TestConnectTrickle(t *testing.T) {
	pr := newPair(t, pairOpts{trickle: true})
	pr.waitConnected(t)
	sigs := pr.aSig.all()
	if len(sigs) < 2 || sigs[0].Type != TypeOffer {
		t.Fatalf("initiator signals: want offer then candidates, got %+v", sigs)
	}
	cands := 0
	for _, s := range sigs[1:] {
		if s.Type != TypeCandidate || s.Candidate == nil || !strings.HasPrefix(s.Candidate.Candidate, "candidate:") ||
			s.Candidate.SDPMid == nil || s.Candidate.SDPMLineIndex == nil {
			t.Fatalf("unexpected trickle signal %+v", s)
		}
		cands++
	}
	if cands == 0 {
		t.Fatal("no candidate signals")
	}
}

// exchange sends msgs from one peer and checks the other receives them all,
// in order, byte for byte.
func exchange(t *testing.T, from, to *Peer, msgs [][]byte) {
	t.Helper()
	got := make(chan []byte, len(msgs))
	to.OnData(func(b []byte) { got <- b })
	errc := make(chan error, 1)
	go func() {
		for _, m := range msgs {
			if err := from.Send(ctxT(t), m); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	for i, want := range msgs {
		b := recv(t, fmt.Sprintf("message %d", i), got)
		if !bytes.Equal(b, want) {
			t.Fatalf("message %d: got %d bytes (%x...), want %d bytes", i, len(b), b[:min(8, len(b))], len(want))
		}
	}
	if err := recv(t, "sender", errc); err != nil {
		t.Fatal(err)
	}
}

func numbered(n, size int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		b := make([]byte, 4+rand.IntN(size))
		binary.BigEndian.PutUint32(b, uint32(i))
		for j := 4; j < len(b); j++ {
			b[j] = byte(i + j)
		}
		out[i] = b
	}
	return out
}

func TestDataOrderedBothWays(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	tests := []struct {
		name     string
		from, to *Peer
		msgs     [][]byte
	}{
		{"one small a to b", pr.a, pr.b, [][]byte{[]byte("hi")}},
		{"empty message", pr.b, pr.a, [][]byte{{}}},
		{"many b to a", pr.b, pr.a, numbered(3000, 300)},
		{"many a to b", pr.a, pr.b, numbered(3000, 300)},
		{"chunk-sized a to b", pr.a, pr.b, numbered(200, 16384)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { exchange(t, tt.from, tt.to, tt.msgs) })
	}
	t.Run("both ways at once", func(t *testing.T) {
		var wg sync.WaitGroup
		for _, d := range [][2]*Peer{{pr.a, pr.b}, {pr.b, pr.a}} {
			wg.Go(func() { exchange(t, d[0], d[1], numbered(1000, 2000)) })
		}
		wg.Wait()
	})
}

// TestStreamBackpressure pushes 8 MiB in 16 KiB chunks and checks every byte
// arrives and that Send kept bufferedAmount under the high-water mark.
func TestStreamBackpressure(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	const total, chunk = 8 << 20, 16384
	src := make([]byte, total)
	for i := range src {
		src[i] = byte(i * 7)
	}
	h := sha256.New()
	received := 0
	done := make(chan struct{})
	var slow sync.Once
	pr.b.OnData(func(b []byte) {
		slow.Do(func() { time.Sleep(200 * time.Millisecond) }) // a slow reader at first
		h.Write(b)
		received += len(b)
		if received == total {
			close(done)
		}
	})
	maxBuffered := uint64(0)
	buf := make([]byte, chunk)
	for off := 0; off < total; off += chunk {
		copy(buf, src[off:off+chunk]) // Send must not keep buf
		if err := pr.a.Send(ctxT(t), buf); err != nil {
			t.Fatal(err)
		}
		maxBuffered = max(maxBuffered, pr.a.channel().bufferedAmount())
	}
	recv(t, "whole stream", done)
	want := sha256.Sum256(src)
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("stream corrupted")
	}
	if maxBuffered > sendHighWater+chunk {
		t.Fatalf("bufferedAmount reached %d, want <= %d", maxBuffered, sendHighWater+chunk)
	}
}

func TestEarlyDataReplay(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	msgs := numbered(50, 100)
	for _, m := range msgs {
		if err := pr.b.Send(ctxT(t), m); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "messages buffered before OnData", func() bool { return pr.a.data.Len() == len(msgs) })
	got := make(chan []byte, len(msgs))
	pr.a.OnData(func(b []byte) { got <- b })
	for i, want := range msgs {
		if b := recv(t, "replayed message", got); !bytes.Equal(b, want) {
			t.Fatalf("replayed message %d differs", i)
		}
	}
	// live messages follow the replayed ones on the same handler
	exchange(t, pr.b, pr.a, numbered(10, 100))
}

func TestSendBeforeOpen(t *testing.T) {
	testutil.RequireNetns(t)
	p := newPeer(t, true, false)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Send(ctx, []byte("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send before open: %v, want deadline exceeded", err)
	}
	go func() { time.Sleep(50 * time.Millisecond); _ = p.Close() }()
	if err := p.Send(ctxT(t), []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send across Close: %v, want ErrClosed", err)
	}
}

// TestTrySend: nothing before the channel opens, in order with Send once it
// is open, ErrClosed after Close.
func TestTrySend(t *testing.T) {
	testutil.RequireNetns(t)
	if sent, err := newPeer(t, true, false).TrySend([]byte("x")); sent || err != nil {
		t.Fatalf("TrySend before open = %v, %v; want false, nil", sent, err)
	}
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	got := make(chan []byte, 3)
	pr.b.OnData(func(b []byte) { got <- b })
	if err := pr.a.Send(ctxT(t), []byte("1")); err != nil {
		t.Fatal(err)
	}
	if sent, err := pr.a.TrySend([]byte("2")); !sent || err != nil {
		t.Fatalf("TrySend on an idle open channel = %v, %v; want true, nil", sent, err)
	}
	if err := pr.a.Send(ctxT(t), []byte("3")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1", "2", "3"} {
		if b := recv(t, "message "+want, got); string(b) != want {
			t.Fatalf("got %q, want %q", b, want)
		}
	}
	if err := pr.a.Close(); err != nil {
		t.Fatal(err)
	}
	if sent, err := pr.a.TrySend([]byte("x")); sent || !errors.Is(err, ErrClosed) {
		t.Fatalf("TrySend after Close = %v, %v; want false, ErrClosed", sent, err)
	}
}
