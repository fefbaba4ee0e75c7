package posthorn

import (
	"errors"
	"fmt"

	"github.com/posthorn/posthorn/internal/chunk"
)

// Errors of the Room. Name and metadata checks return transfer's errors
// (chunk.ErrEmptyAction, *chunk.ActionNameError, chunk.ErrMetaNotObject,
// chunk.ErrMetaNotBinary, chunk.ErrBadJSON, chunk.ErrBadMeta); JSMessage
// maps all of them to Trystero's exact text (wire-0.18 §5.7).
var (
	// ErrReservedAction: the name is one of the profile's internal actions
	// (ping, pong, signal, stream/track meta). Trystero 0.18 hands out its
	// internal action instead, and replacing its receiver breaks ping and
	// renegotiation, so posthorn refuses.
	ErrReservedAction = errors.New("room: action type is reserved for internal use")
	// ErrPingID: Ping was called with an empty peer id.
	ErrPingID = errors.New("room: ping() must be called with target peer ID")
	// ErrUnknownPeer matches every *UnknownPeerError.
	ErrUnknownPeer = errors.New("room: no peer with that id found")
	// ErrPeerLeft: the peer left before a Ping was answered.
	ErrPeerLeft = errors.New("room: peer left")
	// ErrLeft: the Room has been left; it sends nothing any more.
	ErrLeft = errors.New("room: room has been left")
)

// UnknownPeerError names a target or ping id that is not connected. Trystero
// warns "no peer with id X found" and skips such targets; Ping returns it.
type UnknownPeerError struct{ ID string }

func (e *UnknownPeerError) Error() string { return fmt.Sprintf("room: no peer with id %s found", e.ID) }

// Is makes errors.Is(err, ErrUnknownPeer) true.
func (e *UnknownPeerError) Is(target error) bool { return target == ErrUnknownPeer }

// JSMessage returns the message Trystero 0.18 throws for the condition err
// reports ("Trystero: ..."), for the errors that have a JS twin: those of
// chunk.JSMessage and ErrPingID. ok is false for others.
func JSMessage(err error) (msg string, ok bool) {
	if errors.Is(err, ErrPingID) {
		return "Trystero: ping() must be called with target peer ID", true
	}
	return chunk.JSMessage(err)
}
