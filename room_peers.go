//go:build !js

package posthorn

import "github.com/pion/webrtc/v4"

// Peers returns the connected peers' WebRTC connections by peer id, as
// Trystero's getPeers does: for each peer, the connection sends currently go
// to. Use them to read statistics or send RTCP; closing one makes the peer
// leave, and replacing its handlers breaks the room.
func (r *Room) Peers() map[string]*webrtc.PeerConnection {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[string]*webrtc.PeerConnection, len(r.peers))
	for id, rem := range r.peers {
		m[id] = rem.active.p.PeerConnection()
	}
	return m
}
