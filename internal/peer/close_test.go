//go:build !js

package peer

import (
	"errors"
	"testing"

	"github.com/pion/webrtc/v4"
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

// Only the first data channel is adopted; one announced later is ignored.
func TestExtraDataChannelIgnored(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	first := pr.b.channel()
	extra, err := pr.a.PeerConnection().CreateDataChannel("extra", nil)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	extra.OnOpen(func() { close(opened) })
	recv(t, "extra channel open", opened)
	if pr.b.channel() != first {
		t.Fatal("non-initiator switched to the extra channel")
	}
	exchange(t, pr.a, pr.b, numbered(5, 10))
	exchange(t, pr.b, pr.a, numbered(5, 10))
}
