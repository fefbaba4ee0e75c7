//go:build js && wasm

package posthorn

import "syscall/js"

// Peers returns the connected peers' RTCPeerConnections by peer id, as
// Trystero's getPeers does: for each peer, the connection sends currently go
// to. Use them to read statistics; closing one makes the peer leave, and
// replacing its handlers breaks the room.
func (r *Room) Peers() map[string]js.Value {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[string]js.Value, len(r.peers))
	for id, rem := range r.peers {
		m[id] = rem.active.p.PeerConnection()
	}
	return m
}
