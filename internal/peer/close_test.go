//go:build !js

package peer

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/testutil"
)

func TestCloseSemantics(t *testing.T) {
	tests := []struct {
		name   string
		closeB bool // close the non-initiator instead of the initiator
	}{{"initiator closes", false}, {"non-initiator closes", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := newPair(t, pairOpts{})
			pr.waitConnected(t)
			closer, other, closerDown, otherDown := pr.a, pr.b, pr.aDown, pr.bDown
			if tt.closeB {
				closer, other, closerDown, otherDown = pr.b, pr.a, pr.bDown, pr.aDown
			}
			if err := closer.Close(); err != nil {
				t.Fatal(err)
			}
			if err := recv(t, "OnClose of the closing side", closerDown); err != nil {
				t.Fatalf("local Close reported %v, want nil", err)
			}
			recv(t, "OnClose of the remote side", otherDown)
			select {
			case <-other.Done():
			default:
				t.Fatal("Done not closed on the remote side")
			}
			for _, p := range []*Peer{closer, other} {
				if err := p.Send(ctxT(t), []byte("x")); !errors.Is(err, ErrClosed) {
					t.Fatalf("Send after close: %v", err)
				}
				if err := p.Signal(Signal{Type: TypeRenegotiate, Renegotiate: true}); !errors.Is(err, ErrClosed) {
					t.Fatalf("Signal after close: %v", err)
				}
				if err := p.Close(); err != nil {
					t.Fatalf("second Close: %v", err)
				}
				late := make(chan error, 1)
				p.OnClose(func(err error) { late <- err })
				recv(t, "OnClose set after the close", late)
				// (connectionState may race inside pion; signalingState is set by close)
				if st := p.PeerConnection().SignalingState(); st != webrtc.SignalingStateClosed {
					t.Fatalf("signaling state %s after close", st)
				}
			}
			select {
			case err := <-closerDown:
				t.Fatalf("OnClose fired twice (%v)", err)
			default:
			}
		})
	}
}

func TestInvalidSignalDestroys(t *testing.T) {
	tests := []struct {
		name      string
		initiator bool
		sig       Signal
		wantRet   error // from Signal itself
		wantClose error // passed to OnClose
	}{
		{"no member", true, Signal{Type: "offer"}, ErrInvalidSignal, ErrInvalidSignal},
		{"empty", false, Signal{}, ErrInvalidSignal, ErrInvalidSignal},
		{"unknown sdp type", false, Signal{Type: "bogus", SDP: "v=0\r\n"}, nil, ErrNegotiation},
		{"garbage sdp offer", false, Signal{Type: "offer", SDP: "not sdp"}, nil, ErrNegotiation},
		{"answer without offer", false, Signal{Type: "answer", SDP: "v=0\r\n"}, nil, ErrNegotiation},
		{"bad transceiver kind", true, Signal{Type: "transceiverRequest", TransceiverRequest: &TransceiverRequest{Kind: "smell"}}, nil, ErrNegotiation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPeerNetns(t, tt.initiator)
			down := make(chan error, 1)
			p.OnClose(func(err error) { down <- err })
			if err := p.Signal(tt.sig); !errors.Is(err, tt.wantRet) || (tt.wantRet == nil && err != nil) {
				t.Fatalf("Signal returned %v, want %v", err, tt.wantRet)
			}
			if err := recv(t, "OnClose", down); !errors.Is(err, tt.wantClose) {
				t.Fatalf("OnClose(%v), want %v", err, tt.wantClose)
			}
		})
	}
}

// A candidate with a .local address that fails to add is only warned about
// (protocol-0.18 §4.4): the connection stays up.
func TestLocalCandidateOnlyWarns(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	bad := Signal{Type: TypeCandidate, Candidate: &webrtc.ICECandidateInit{Candidate: "candidate:1 1 udp 2122260223 nonexistent-host.local 9 typ host"}}
	if err := pr.a.Signal(bad); err != nil {
		t.Fatal(err)
	}
	exchange(t, pr.b, pr.a, numbered(5, 10))
	exchange(t, pr.a, pr.b, numbered(5, 10))
}

// Only the first data channel is adopted; those the remote opens later are
// closed on arrival, so pion keeps no read loop or buffer for them (issue
// 15: 2,000 extra channels once cost 1,860 goroutines and 128 MiB), and the
// peer stays up until there are too many.
func TestExtraDataChannelsClosed(t *testing.T) {
	const extras = 1000
	pr := newPair(t, pairOpts{})
	pr.b.mu.Lock()
	pr.b.extrasAllowed = extras // this test measures the cost of extras the peer tolerates
	pr.b.mu.Unlock()
	pr.waitConnected(t)
	first := pr.b.channel()
	exchange(t, pr.a, pr.b, numbered(5, 10))
	baseG, baseHeap := testutil.Goroutines(), testutil.LiveHeap()

	closed := make(chan struct{}, extras)
	for i := range extras {
		dc, err := pr.a.PeerConnection().CreateDataChannel(fmt.Sprint("extra", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		dc.OnClose(func() { closed <- struct{}{} })
	}
	for range extras {
		recv(t, "an extra channel closed by the other side", closed)
	}
	waitFor(t, "goroutines of the closed channels to end", func() bool {
		return testutil.Goroutines() < baseG+extras/10
	})
	// pion lets go of a closed channel once its SCTP stream reset is done,
	// which may trail the close events: the heap must come back, not at once.
	var grown int64
	for deadline := time.Now().Add(testTimeout); ; time.Sleep(100 * time.Millisecond) {
		if grown = int64(testutil.LiveHeap()) - int64(baseHeap); grown <= 8<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("live heap still %d KiB above where it was after %d closed channels", grown>>10, extras)
		}
	}
	if pr.b.channel() != first {
		t.Fatal("non-initiator switched to an extra channel")
	}
	exchange(t, pr.a, pr.b, numbered(5, 10))
	exchange(t, pr.b, pr.a, numbered(5, 10))
}

// A remote that keeps opening data channels is dropped, with one log line
// for the first channel and one for the drop.
func TestExtraDataChannelFloodDrops(t *testing.T) {
	sink := &testutil.LogRecorder{}
	testutil.RequireNetns(t)
	a := newPeer(t, true, false)
	b, err := New(Config{RTCConfig: &webrtc.Configuration{}, Logger: slog.New(sink)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	down := make(chan error, 1)
	b.OnClose(func(err error) { down <- err })
	up := make(chan struct{})
	b.OnConnect(func() { close(up) })
	var la, lb signalLog
	relay(t, a, b, &la, nil)
	relay(t, b, a, &lb, nil)
	recv(t, "connect", up)
	for i := range 200 {
		if _, err := a.PeerConnection().CreateDataChannel(fmt.Sprint("flood", i), nil); err != nil {
			break // a is closing: b dropped it
		}
	}
	if err := recv(t, "the flooded peer's close", down); !errors.Is(err, ErrExtraChannels) {
		t.Fatalf("closed with %v, want ErrExtraChannels", err)
	}
	waitFor(t, "the drop to be logged", func() bool { return sink.AtLeast(slog.LevelWarn) >= 2 })
	if n := sink.AtLeast(slog.LevelWarn); n != 2 {
		t.Fatalf("%d warnings logged, want 2 (the first extra channel, the drop)", n)
	}
}
