//go:build !js

package peer

import "github.com/pion/webrtc/v4"

// wireEvents subscribes to the connection's events; every handler only
// enqueues work on p.ops (native build).
func (p *Peer) wireEvents() {
	p.pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) {
		p.ops.Push(func() { p.onICEState(st.String()) })
	})
	p.pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		p.ops.Push(func() { p.onConnectionState(st.String()) })
	})
	p.pc.OnSignalingStateChange(func(st webrtc.SignalingState) {
		p.ops.Push(func() { p.onSignalingState(st.String()) })
	})
	p.pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		var init *ICECandidateInit
		if c != nil {
			j := c.ToJSON()
			init = &j
		}
		p.ops.Push(func() { p.onLocalCandidate(init) })
	})
	p.pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		if p.cfg.Initiator {
			p.refuse(dc)
			return
		}
		p.adopt(dc)
	})
	p.pc.OnTrack(p.onRemoteTrack)
}

// releaseBuild frees build-specific resources after the PC is closed.
func (p *Peer) releaseBuild() {}
