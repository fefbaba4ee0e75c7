package engine

import (
	"fmt"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/internal/roomlink"
)

// What a Protocol025 room's Session does differently (docs/protocol-0.25.md
// §3, §5, §6):
//
//   - every offer, answer and candidate crossing a relay is sealed with
//     AES-GCM, with or without a password (crypt.GCM, key from password,
//     appId and roomId);
//   - attempts trickle ICE: the offer or answer goes out at once and every
//     local candidate follows as a sealed message of its own, the type
//     being told by the message's member, not sealed (§5, §6.1); torrent
//     does not trickle (SessionConfig.Whole025, §11.1);
//   - the glare rule is Trystero's: the smaller id's offer stands, the
//     larger id withdraws its own and answers (§6.2, §14.3); a stale
//     unanswered offer is no exception;
//   - the room is on the 0.25 profile (room frames, the handshake, @_leave),
//     and a handshake that fails is reported to Config.OnJoinError like a
//     description that does not decrypt.
//
// Topics speaks 0.25's messages on top (topics025.go).

// setup025 configures s and its room options for Protocol025; trickle
// says whether attempts trickle ICE (SessionConfig.Whole025).
func (s *Session) setup025(ro *roomlink.Options, trickle bool) {
	s.gcm = crypt.NewGCM(s.cfg.Password, s.cfg.AppID, s.roomID)
	s.trickle = trickle
	ro.Profile = &profile.V025
	ro.AppID, ro.RoomID, ro.Password = s.cfg.AppID, s.roomID, s.cfg.Password
	ro.HandshakeTimeout = s.cfg.HandshakeTimeout
	ro.OnJoinError = s.joinError
}

// is025 reports whether the room speaks Protocol025.
func (s *Session) is025() bool { return s.gcm != nil }

// joinError tells Config.OnJoinError that the room could not connect to
// remote, for err.
func (s *Session) joinError(remote string, err error) {
	if s.cfg.OnJoinError != nil {
		s.cfg.OnJoinError(&posthorn.JoinError{AppID: s.cfg.AppID, RoomID: s.roomID, PeerID: remote, Err: err})
	}
}

// seal025 is the relay payload of a 0.25 signal: the sealed SDP of an
// offer or answer, the sealed JSON of a candidate (§3.1).
func (s *Session) seal025(typ, sdp string, candidateJSON string) (string, error) {
	switch typ {
	case "offer", "answer":
		return s.seal(sdp)
	case "candidate":
		return s.seal(candidateJSON)
	}
	return "", fmt.Errorf("engine: no 0.25 relay message for a %q signal", typ)
}

// busy reports whether remote needs no new attempt: the room was left, we
// are connected to it, or an attempt with it is under way (§6.2).
func (s *Session) busy(remote string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped || len(s.attempts[remote]) > 0 || s.connectedLocked(remote)
}

// bindShared binds a 0.25 room to the live connection to remote that the
// rooms of its app share, reporting false if there is none: then, and only
// then, the room may offer or answer (protocol-0.25 §7: a second
// connection to a peer would never be answered by JS).
func (s *Session) bindShared(remote string) bool {
	return s.is025() && remote != "" && roomlink.Bind(s.room, remote)
}
