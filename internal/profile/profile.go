// Package profile names what differs between the Trystero protocol versions
// inside a room: the chunk framing and the internal action names.
package profile

import (
	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/v025/handshake"
	"github.com/posthorn/posthorn/internal/v025/reqres"
)

// Profile is the protocol profile seam of a room: the chunk framing and the
// names of the internal actions. V018 speaks Trystero 0.18.0, V025 the
// Trystero 0.25 packages (docs/protocol-0.25.md §13).
type Profile struct {
	// Name is the version it speaks: "0.18" or "0.25".
	Name string
	// Framing is the chunk codec (protocol-0.18 §5.1, protocol-0.25 §8).
	Framing chunk.Framing
	// Ping, Pong, Signal, Stream and Track are the internal action names
	// (protocol-0.18 §6, protocol-0.25 §10).
	Ping, Pong, Signal, Stream, Track string
	// Leave, HandshakeData, HandshakeReady and Response exist only in 0.25
	// (protocol-0.25 §10); they are "" in V018.
	Leave, HandshakeData, HandshakeReady, Response string
}

// Internal reports whether name is one of p's internal actions, which an
// application may not register.
func (p Profile) Internal(name string) bool {
	for _, n := range []string{p.Ping, p.Pong, p.Signal, p.Stream, p.Track, p.Leave, p.HandshakeData, p.HandshakeReady, p.Response} {
		if n != "" && n == name {
			return true
		}
	}
	return false
}

// V018 is the Trystero 0.18.0 profile.
var V018 = Profile{
	Name: "0.18",
	// protocol-0.18 §5.1: 12-byte type, 1-byte nonce; posthorn sends chunks
	// of up to 256 KiB where Trystero sends 16 KiB (chunk.Framing018Send).
	Framing: chunk.Framing018Send,
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

// V025 is the Trystero 0.25 profile (0.25.3 and 0.25.4 put the same bytes
// on the wire, protocol-0.25 §0). Its chunks travel inside the room frames
// of protocol-0.25 §7 (package v025/frame).
var V025 = Profile{
	Name: "0.25",
	// protocol-0.25 §8: 32-byte type, 2-byte big-endian nonce, metadata with
	// any kind of data.
	Framing: chunk.Framing025,
	// protocol-0.25 §10: ping, answered with @_pong "".
	Ping: "@_ping",
	// protocol-0.25 §10: completes the oldest outstanding ping to that peer.
	Pong: "@_pong",
	// protocol-0.25 §5, §10: renegotiation and late candidates, a JSON
	// {type, sdp}, not encrypted; only passed on once the peer is active.
	Signal: "@_signal",
	// protocol-0.25 §10, §14.8: {"k","s","m"?} sent before every stream,
	// queued first in, first out by the receiver.
	Stream: "@_stream",
	// protocol-0.25 §10, §14.8: {"k","s","t","m"?} sent before every track.
	Track: "@_track",
	// protocol-0.25 §10: "" sent on leave; the room unbinds 99 ms later.
	Leave: "@_leave",
	// protocol-0.25 §9: the session handshake.
	HandshakeData:  handshake.ActionData,
	HandshakeReady: handshake.ActionReady,
	// protocol-0.25 §8: responses to request actions.
	Response: reqres.Action,
}
