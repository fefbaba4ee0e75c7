//go:build js && wasm

package peer

import "syscall/js"

// pcHandlers are this peer's handlers on the RTCPeerConnection (browser build).
type pcHandlers = handlers

// wireEvents sets the RTCPeerConnection's event handlers directly: each reads
// the state it needs inside the event (so nothing is re-read late or out of
// order) and only enqueues work on p.ops.
func (p *Peer) wireEvents() {
	h := &p.media.pcOn
	h.target = p.pc.JSValue()
	pcv := h.target
	h.set("iceconnectionstatechange", func(js.Value) {
		st := pcv.Get("iceConnectionState").String()
		p.ops.Push(func() { p.onICEState(st) })
	})
	h.set("connectionstatechange", func(js.Value) {
		if pcv.Get("connectionState").String() == "failed" {
			p.ops.Push(func() { p.onConnectionState("failed") })
		}
	})
	h.set("signalingstatechange", func(js.Value) {
		if pcv.Get("signalingState").String() == "stable" {
			p.ops.Push(func() { p.onSignalingState("stable") })
		}
	})
	h.set("icecandidate", func(ev js.Value) {
		c := ev.Get("candidate")
		if c.IsNull() || c.IsUndefined() {
			p.ops.Push(func() { p.onLocalCandidate(nil) })
			return
		}
		init := &ICECandidateInit{
			Candidate:     c.Get("candidate").String(),
			SDPMid:        optString(c.Get("sdpMid")),
			SDPMLineIndex: optUint16(c.Get("sdpMLineIndex")),
		}
		p.ops.Push(func() { p.onLocalCandidate(init) })
	})
	h.set("datachannel", func(ev js.Value) {
		if p.cfg.Initiator {
			p.refuse(ev.Get("channel"))
			return
		}
		p.adopt(ev.Get("channel"))
	})
	h.set("track", p.onTrackEvent)
}

// releaseBuild detaches and releases every js.Func of this peer.
func (p *Peer) releaseBuild() {
	p.media.pcOn.release()
	if ch := p.channel(); ch != nil {
		ch.on.release()
	}
}
