package posthorn

import (
	"errors"
	"fmt"
)

// ErrWrongPassword: a remote peer's session description did not decrypt
// with the room's password (docs/protocol-0.18.md §3). In 0.18 that is the
// only sign of a password mismatch; the peers never connect.
var ErrWrongPassword = errors.New("posthorn: incorrect room password")

// JoinError reports a remote peer the room could not connect to, with the
// fields of Trystero 0.25's onJoinError (dmotz/trystero#53). Config.OnJoinError
// receives it.
type JoinError struct {
	AppID, RoomID string
	PeerID        string // the remote peer
	// Err says why: ErrWrongPassword, wrapped with the signal that did not
	// decrypt ("... when decrypting offer" or "answer", 0.25's texts).
	Err error
}

func (e *JoinError) Error() string {
	return fmt.Sprintf("posthorn: room %q: peer %s: %v", e.RoomID, e.PeerID, e.Err)
}

func (e *JoinError) Unwrap() error { return e.Err }
