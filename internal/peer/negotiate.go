package peer

import (
	"fmt"
	"strings"
	"time"
)

// negotiation is simple-peer's negotiation and readiness state. It is touched
// only by functions running on p.ops, so it needs no lock.
type negotiation struct {
	isNegotiating bool // waiting for signalingState "stable"
	queued        bool // another negotiation was asked for meanwhile
	batched       bool // a needsNegotiation is already scheduled
	first         bool // the non-initiator discards its first request

	iceComplete  bool          // gathering finished or timed out; never reset
	iceTimer     bool          // the iceCompleteTimeout is running
	iceTimeout   time.Duration // iceCompleteTimeout (shortened only by tests)
	waitingLocal []func()      // local descriptions waiting for iceComplete

	pendingCandidates []ICECandidateInit // until a remote description exists

	pcReady, channelReady, connected bool

	// disconnected counts ICE state changes; a disconnectTimeout check
	// acts only if none happened since it started (watchDisconnected).
	disconnected uint64
}

// handleSignal applies a remote signal member-wise like simple-peer's signal()
// (protocol-0.18 §4.3). Runs on ops.
func (p *Peer) handleSignal(s Signal) {
	if p.isDestroyed() {
		return
	}
	if s.Renegotiate {
		if p.cfg.Initiator {
			p.needsNegotiation()
		} else {
			p.log.Debug("peer: ignoring renegotiate request as non-initiator")
		}
	}
	if s.TransceiverRequest != nil {
		if p.cfg.Initiator {
			p.addTransceiver(s.TransceiverRequest.Kind)
		} else {
			p.log.Debug("peer: ignoring transceiverRequest as non-initiator")
		}
	}
	if s.Candidate != nil {
		if p.pc.remoteType() != "" {
			p.addCandidate(*s.Candidate)
		} else {
			p.neg.pendingCandidates = append(p.neg.pendingCandidates, *s.Candidate)
		}
	}
	if s.SDP != "" && (!p.cfg.Perfect || p.perfectAccepts(s)) {
		p.setRemote(s)
	}
}

// perfectAccepts applies perfect negotiation's rules to a remote
// description (Config.Perfect, protocol-0.25 §5), rolling our own offer
// back when the polite side takes a colliding one. Runs on ops.
func (p *Peer) perfectAccepts(s Signal) bool {
	if p.neg.channelReady && !strings.Contains(s.SDP, "a=rtpmap") {
		p.log.Debug("peer: ignoring a description without media after connecting", "type", s.Type)
		return false
	}
	if s.Type != TypeOffer || p.pc.signalingState() == "stable" {
		return true
	}
	if p.cfg.Initiator {
		p.log.Debug("peer: ignoring a colliding offer (impolite side)")
		return false
	}
	// Browsers roll back; pion v4.2 refuses have-local-offer → stable
	// (checkNextSignalingState), so natively the colliding offer is left
	// unanswered: the data channel carries on, this renegotiation does
	// not complete.
	// pion wants the pending offer's SDP with the rollback; browsers ignore it.
	if err := p.pc.setLocalDescription("rollback", p.pc.pendingLocalSDP()); err != nil {
		p.log.Warn("peer: cannot roll back our offer for a colliding one; ignoring it", "err", err)
		return false
	}
	// Our negotiation was dropped: run it again once stable.
	p.neg.queued = true
	return true
}

func (p *Peer) setRemote(s Signal) {
	if !sdpTypes[s.Type] {
		p.destroy(fmt.Errorf("%w: set remote description: unknown sdp type %q", ErrNegotiation, s.Type))
		return
	}
	if err := p.pc.setRemoteDescription(s.Type, s.SDP); err != nil {
		p.destroy(fmt.Errorf("%w: set remote description: %v", ErrNegotiation, err))
		return
	}
	if p.isDestroyed() {
		return
	}
	pending := p.neg.pendingCandidates
	p.neg.pendingCandidates = nil
	for _, c := range pending {
		p.addCandidate(c)
	}
	if p.pc.remoteType() == TypeOffer {
		p.createAnswer()
	}
}

// sdpTypes are the RTCSdpType values.
var sdpTypes = map[string]bool{TypeOffer: true, "pranswer": true, TypeAnswer: true, "rollback": true}

// addCandidate adds a remote candidate. A failure destroys the peer unless the
// candidate has no address or a .local one (only a warning in simple-peer,
// protocol-0.18 §4.4).
func (p *Peer) addCandidate(c ICECandidateInit) {
	err := p.pc.addICECandidate(c)
	if err == nil {
		return
	}
	if addr := candidateAddress(c.Candidate); addr == "" || strings.HasSuffix(addr, ".local") {
		p.log.Warn("peer: ignoring unsupported ICE candidate", "candidate", c.Candidate, "err", err)
		return
	}
	p.destroy(fmt.Errorf("%w: add ice candidate: %v", ErrNegotiation, err))
}

// needsNegotiation batches negotiation requests like simple-peer's
// _needsNegotiation (a microtask there, the next op here). Runs on ops.
func (p *Peer) needsNegotiation() {
	if p.neg.batched {
		return
	}
	p.neg.batched = true
	p.ops.Push(func() {
		p.neg.batched = false
		if p.cfg.Initiator || !p.neg.first {
			p.negotiate()
		} else {
			p.log.Debug("peer: non-initiator initial negotiation request discarded")
		}
		p.neg.first = false
	})
}

// negotiate starts a negotiation: the initiator offers, the non-initiator
// asks the initiator with a renegotiate signal; the role is sticky
// (protocol-0.18 §4.6). Runs on ops.
func (p *Peer) negotiate() {
	if p.isDestroyed() {
		return
	}
	switch {
	case p.neg.isNegotiating:
		p.neg.queued = true
	case p.cfg.Initiator || p.cfg.Perfect:
		p.ops.Push(p.createOffer)
	default:
		p.emit(Signal{Type: TypeRenegotiate, Renegotiate: true})
	}
	p.neg.isNegotiating = true
}

// addTransceiver is simple-peer's addTransceiver(kind): the initiator adds a
// sendrecv transceiver and renegotiates, the non-initiator asks the initiator
// (protocol-0.18 §4.6). Runs on ops.
func (p *Peer) addTransceiver(kind string) {
	if !p.cfg.Initiator {
		p.emit(Signal{Type: TypeTransceiverRequest, TransceiverRequest: &TransceiverRequest{Kind: kind}})
		return
	}
	if kind != "audio" && kind != "video" { // case-sensitive, as in the browser
		p.destroy(fmt.Errorf("%w: add transceiver: invalid kind %q", ErrNegotiation, kind))
		return
	}
	// Recvonly, not simple-peer's sendrecv: pion gives a sendrecv transceiver
	// a placeholder track with a random stream id, which the browser reports
	// as a remote stream nobody sent (a phantom onPeerStream); the browser's
	// trackless sendrecv transceiver announces no stream. A later AddTrack
	// of that kind reuses this transceiver and makes it sendrecv.
	if err := p.pc.addRecvonlyTransceiver(kind); err != nil {
		p.destroy(fmt.Errorf("%w: add transceiver: %v", ErrNegotiation, err))
		return
	}
	p.needsNegotiation()
}

func (p *Peer) createOffer() {
	if p.isDestroyed() {
		return
	}
	sdp, err := p.pc.createOffer()
	if err != nil {
		p.destroy(fmt.Errorf("%w: create offer: %v", ErrNegotiation, err))
		return
	}
	p.setLocal(TypeOffer, sdp, false)
}

func (p *Peer) createAnswer() {
	if p.isDestroyed() {
		return
	}
	sdp, err := p.pc.createAnswer()
	if err != nil {
		p.destroy(fmt.Errorf("%w: create answer: %v", ErrNegotiation, err))
		return
	}
	p.setLocal(TypeAnswer, sdp, true)
}

// setLocal applies a local description and emits it: at once with trickle or
// once ICE gathering completed (protocol-0.18 §4.3).
func (p *Peer) setLocal(typ, sdp string, answer bool) {
	if !p.cfg.Trickle {
		sdp = filterTrickle(sdp)
	}
	if err := p.pc.setLocalDescription(typ, sdp); err != nil {
		p.destroy(fmt.Errorf("%w: set local description: %v", ErrNegotiation, err))
		return
	}
	send := func() {
		if p.isDestroyed() {
			return
		}
		lt, lsdp := p.pc.localDescription()
		if lt == "" {
			lt, lsdp = typ, sdp
		}
		p.emit(Signal{Type: lt, SDP: lsdp})
		if answer && !p.cfg.Initiator && !p.cfg.Perfect {
			p.requestMissingTransceivers()
		}
	}
	if p.cfg.Trickle || p.neg.iceComplete {
		send()
		return
	}
	p.neg.waitingLocal = append(p.neg.waitingLocal, send)
}

// onLocalCandidate handles a local ICE candidate, nil meaning gathering
// finished (simple-peer's _onIceCandidate, protocol-0.18 §4.3). Runs on ops.
func (p *Peer) onLocalCandidate(c *ICECandidateInit) {
	if p.isDestroyed() {
		return
	}
	switch {
	case c != nil && p.cfg.Trickle:
		p.emit(Signal{Type: TypeCandidate, Candidate: c})
	case c == nil && !p.neg.iceComplete:
		p.iceCompleted()
	}
	if c != nil && !p.neg.iceTimer {
		p.neg.iceTimer = true
		p.afterFunc(p.neg.iceTimeout, func() {
			p.ops.Push(func() {
				if !p.neg.iceComplete && !p.isDestroyed() {
					p.log.Debug("peer: ice gathering timed out; sending what we have")
					p.iceCompleted()
				}
			})
		})
	}
}

func (p *Peer) iceCompleted() {
	p.neg.iceComplete = true
	waiting := p.neg.waitingLocal
	p.neg.waitingLocal = nil
	for _, f := range waiting {
		f()
	}
}

// onSignalingState flushes queued negotiations once stable again. Runs on ops.
// A stale event (the state moved on since) is ignored. States are the W3C
// names (RTCSignalingState), as are the ICE and connection states below.
func (p *Peer) onSignalingState(st string) {
	if p.isDestroyed() || st != "stable" || p.pc.signalingState() != "stable" {
		return
	}
	p.neg.isNegotiating = false
	if p.neg.queued {
		p.neg.queued = false
		p.needsNegotiation()
	}
}

// onICEState applies iceConnectionState (protocol-0.18 §4.4). Runs on ops.
func (p *Peer) onICEState(st string) {
	if p.isDestroyed() {
		return
	}
	if st != "disconnected" {
		p.neg.disconnected++ // a pending disconnectTimeout check is stale
	}
	switch st {
	case "connected", "completed":
		p.neg.pcReady = true
		p.maybeReady()
	case "disconnected":
		p.watchDisconnected()
	case "failed":
		p.destroy(ErrICEFailed)
	case "closed":
		p.destroy(ErrICEClosed)
	}
}

// watchDisconnected destroys the peer (ErrDisconnected) if ICE is still
// disconnected disconnectTimeout from now, as Trystero 0.25 does
// (protocol-0.25 §5): an unreachable peer leaves the room in about 10 s
// (ICE notices in about 5) instead of waiting for ICE to fail (another
// 25 s natively, about as long in browsers). Runs on ops.
func (p *Peer) watchDisconnected() {
	p.neg.disconnected++
	gen := p.neg.disconnected
	p.afterFunc(disconnectTimeout, func() {
		p.ops.Push(func() {
			if p.neg.disconnected == gen && !p.isDestroyed() {
				p.destroy(ErrDisconnected)
			}
		})
	})
}

// onConnectionState applies connectionState (protocol-0.18 §4.4). Runs on ops.
func (p *Peer) onConnectionState(st string) {
	if st == "failed" {
		p.destroy(ErrConnectionFailed)
	}
}

// onChannelOpen runs on ops when the data channel opens.
func (p *Peer) onChannelOpen() {
	if p.isDestroyed() {
		return
	}
	p.neg.channelReady = true
	p.openOnce.Do(func() { close(p.open) })
	p.maybeReady()
}

// maybeReady emits connect once ICE is up and the channel open (protocol-0.18 §4.4).
func (p *Peer) maybeReady() {
	if p.neg.connected || !p.neg.pcReady || !p.neg.channelReady {
		return
	}
	p.neg.connected = true
	p.ev.Push(func() { p.connectEv.fire(struct{}{}) })
}

// watchClosing is simple-peer's workaround for channels stuck in "closing":
// seen closing at two consecutive checks means closed (protocol-0.18 §4.4).
func (p *Peer) watchClosing(ch *channel) {
	t := time.NewTicker(channelClosingTimeout)
	defer t.Stop()
	closing := false
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			if ch.closing() {
				if closing {
					p.destroy(nil)
					return
				}
				closing = true
			} else {
				closing = false
			}
		}
	}
}

// emit queues a local signal for OnSignal.
func (p *Peer) emit(s Signal) { p.signals.Push(s) }
