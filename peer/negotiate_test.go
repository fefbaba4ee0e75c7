package peer

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// The local SDP waits for the end of gathering, or for iceCompleteTimeout
// after the first candidate (wire-0.18 §4.3); with trickle each candidate is a
// signal of its own.
func TestLocalCandidateHandling(t *testing.T) {
	cand := &webrtc.ICECandidateInit{Candidate: "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host", SDPMid: ptr("0"), SDPMLineIndex: ptr(uint16(0))}
	tests := []struct {
		name        string
		trickle     bool
		events      []*webrtc.ICECandidateInit
		wantSent    bool // the waiting local description is emitted
		wantSignals int  // candidate signals
	}{
		{"gathering complete", false, []*webrtc.ICECandidateInit{cand, nil}, true, 0},
		{"timeout after first candidate", false, []*webrtc.ICECandidateInit{cand}, true, 0},
		{"no candidate yet", false, nil, false, 0},
		{"trickle", true, []*webrtc.ICECandidateInit{cand, cand, nil}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newBare(Config{Trickle: tt.trickle})
			p.neg.iceTimeout = 10 * time.Millisecond
			sigs := make(chan Signal, 8)
			p.OnSignal(func(s Signal) { sigs <- s })
			sent := make(chan struct{})
			p.ops.push(func() { p.neg.waitingLocal = append(p.neg.waitingLocal, func() { close(sent) }) })
			for _, c := range tt.events {
				p.ops.push(func() { p.onLocalCandidate(c) })
			}
			select {
			case <-sent:
				if !tt.wantSent {
					t.Fatal("local description sent before ICE completed")
				}
			case <-time.After(500 * time.Millisecond):
				if tt.wantSent {
					t.Fatal("local description never sent")
				}
			}
			done := make(chan struct{})
			p.ops.push(func() { close(done) })
			<-done
			if len(sigs) != tt.wantSignals {
				t.Fatalf("%d candidate signals, want %d", len(sigs), tt.wantSignals)
			}
			for range tt.wantSignals {
				if s := <-sigs; s.Type != TypeCandidate || s.Candidate != cand {
					t.Fatalf("signal %+v", s)
				}
			}
		})
	}
}

// The non-initiator asks with renegotiate instead of offering, once per
// negotiation; requests while negotiating are queued (wire-0.18 §4.6).
func TestNonInitiatorNegotiateQueues(t *testing.T) {
	p := newBare(Config{})
	sigs := make(chan Signal, 8)
	p.OnSignal(func(s Signal) { sigs <- s })
	step := func(f func()) {
		done := make(chan struct{})
		p.ops.push(func() { f(); close(done) })
		<-done
	}
	step(p.needsNegotiation) // the constructor's request: discarded
	step(func() {})
	if len(sigs) != 0 {
		t.Fatal("first non-initiator negotiation was not discarded")
	}
	step(p.needsNegotiation)
	step(func() {})
	if s := <-sigs; s.Type != TypeRenegotiate || !s.Renegotiate {
		t.Fatalf("signal %+v, want renegotiate", s)
	}
	step(p.needsNegotiation) // while negotiating: queued, nothing sent
	step(func() {})
	if len(sigs) != 0 || !p.neg.queued {
		t.Fatal("request while negotiating was not queued")
	}
	step(func() { p.addTransceiver("audio") })
	if s := <-sigs; s.Type != TypeTransceiverRequest || s.TransceiverRequest.Kind != "audio" {
		t.Fatalf("signal %+v, want transceiverRequest", s)
	}
}
