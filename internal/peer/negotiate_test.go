package peer

import (
	"testing"
	"time"
)

// The local SDP waits for the end of gathering, or for iceCompleteTimeout
// after the first candidate (protocol-0.18 §4.3); with trickle each candidate is a
// signal of its own.
func TestLocalCandidateHandling(t *testing.T) {
	cand := &ICECandidateInit{Candidate: "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host", SDPMid: ptr("0"), SDPMLineIndex: ptr(uint16(0))}
	tests := []struct {
		name        string
		trickle     bool
		events      []*ICECandidateInit
		wantSent    bool // the waiting local description is emitted
		wantSignals int  // candidate signals
	}{
		{"gathering complete", false, []*ICECandidateInit{cand, nil}, true, 0},
		{"timeout after first candidate", false, []*ICECandidateInit{cand}, true, 0},
		{"no candidate yet", false, nil, false, 0},
		{"trickle", true, []*ICECandidateInit{cand, cand, nil}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newBare(Config{Trickle: tt.trickle})
			p.neg.iceTimeout = 10 * time.Millisecond
			sigs := make(chan Signal, 8)
			p.OnSignal(func(s Signal) { sigs <- s })
			sent := make(chan struct{})
			p.ops.Push(func() { p.neg.waitingLocal = append(p.neg.waitingLocal, func() { close(sent) }) })
			for _, c := range tt.events {
				p.ops.Push(func() { p.onLocalCandidate(c) })
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
			// a sentinel through the same FIFO marks the end of what was emitted
			p.ops.Push(func() { p.emit(Signal{Type: "sentinel"}) })
			var got []Signal
			for s := range sigs {
				if s.Type == "sentinel" {
					break
				}
				got = append(got, s)
			}
			if len(got) != tt.wantSignals {
				t.Fatalf("%d candidate signals, want %d", len(got), tt.wantSignals)
			}
			for _, s := range got {
				if s.Type != TypeCandidate || s.Candidate != cand {
					t.Fatalf("signal %+v", s)
				}
			}
		})
	}
}

// The non-initiator asks with renegotiate instead of offering, once per
// negotiation; requests while negotiating are queued (protocol-0.18 §4.6).
func TestNonInitiatorNegotiateQueues(t *testing.T) {
	p := newBare(Config{})
	sigs := make(chan Signal, 8)
	p.OnSignal(func(s Signal) { sigs <- s })
	step := func(f func()) {
		done := make(chan struct{})
		p.ops.Push(func() { f(); close(done) })
		<-done
	}
	// flush waits until every signal emitted so far has been delivered
	flush := func() []Signal {
		step(func() { p.emit(Signal{Type: "sentinel"}) })
		var got []Signal
		for s := range sigs {
			if s.Type == "sentinel" {
				return got
			}
			got = append(got, s)
		}
		return got
	}
	step(p.needsNegotiation) // the constructor's request: discarded
	step(func() {})
	if got := flush(); len(got) != 0 {
		t.Fatalf("first non-initiator negotiation was not discarded: %+v", got)
	}
	step(p.needsNegotiation)
	step(func() {})
	if s := <-sigs; s.Type != TypeRenegotiate || !s.Renegotiate {
		t.Fatalf("signal %+v, want renegotiate", s)
	}
	step(p.needsNegotiation) // while negotiating: queued, nothing sent
	step(func() {})
	var queued bool
	step(func() { queued = p.neg.queued })
	if got := flush(); len(got) != 0 || !queued {
		t.Fatal("request while negotiating was not queued")
	}
	step(func() { p.addTransceiver("audio") })
	if s := <-sigs; s.Type != TypeTransceiverRequest || s.TransceiverRequest.Kind != "audio" {
		t.Fatalf("signal %+v, want transceiverRequest", s)
	}
}
