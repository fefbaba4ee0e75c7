// Package profile names what differs between the Trystero protocol versions
// inside a room: the chunk framing and the internal action names.
package profile

import "github.com/posthorn/posthorn/internal/chunk"

// Profile is the protocol profile seam of a room: the chunk framing and the names of the
// internal actions. V018 speaks Trystero 0.18.0; a later profile may
// speak 0.25.
type Profile struct {
	// Framing is the chunk codec (protocol-0.18 §5.1).
	Framing chunk.Framing
	// Ping, Pong, Signal, Stream and Track are the internal action names
	// (protocol-0.18 §6).
	Ping, Pong, Signal, Stream, Track string
}

// V018 is the Trystero 0.18.0 profile.
var V018 = Profile{
	// protocol-0.18 §5.1: 12-byte type, 1-byte nonce, 16384-byte chunks.
	Framing: chunk.Framing018,
	// protocol-0.18 §6: ping; the receiver must answer with a pong. room.js
	// makeAction('__91n6__').
	Ping: "__91n6__",
	// protocol-0.18 §6: pong, resolves the pending ping to that peer.
	// room.js makeAction('__90n6__').
	Pong: "__90n6__",
	// protocol-0.18 §4.3, §6: post-connect signalling (renegotiation, late
	// candidates), a JSON signal object. room.js makeAction('__516n4L__').
	Signal: "__516n4L__",
	// protocol-0.18 §4.6, §6: JSON stream metadata, remembered for the peer's
	// next stream event. room.js makeAction('__57r34m__').
	Stream: "__57r34m__",
	// protocol-0.18 §4.6, §6: JSON track metadata, remembered for the peer's
	// next track event. room.js makeAction('__7r4ck__').
	Track: "__7r4ck__",
}
