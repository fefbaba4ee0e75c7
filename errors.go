package posthorn

import (
	"errors"
	"fmt"
)

// Errors of joining a room, and of a Room. A send's checks of its action
// name, data and metadata return package transfer's errors.
var (
	// ErrNoAppID: Config.AppID is empty.
	ErrNoAppID = errors.New("posthorn: Config.AppID is empty")
	// ErrProtocol: Config.Protocol names a version that is unknown or that
	// the strategy does not speak.
	ErrProtocol = errors.New("posthorn: protocol version not spoken")
	// ErrNoRoomID: the room id is empty.
	ErrNoRoomID = errors.New("posthorn: room id is empty")
	// ErrReservedAction: the name is one of the room's internal actions
	// (ping, pong, signalling, stream and track metadata). Trystero 0.18
	// hands out its internal action instead, and replacing its receiver
	// breaks ping and renegotiation, so posthorn refuses.
	ErrReservedAction = errors.New("posthorn: action name is reserved for the room's own use")
	// ErrNoPeerID: Ping was called with an empty peer id.
	ErrNoPeerID = errors.New("posthorn: Ping needs a peer id")
	// ErrUnknownPeer matches every *UnknownPeerError.
	ErrUnknownPeer = errors.New("posthorn: no connected peer with that id")
	// ErrPeerLeft: the peer left before a Ping was answered, or before a
	// Send had handed it every chunk.
	ErrPeerLeft = errors.New("posthorn: peer left")
	// ErrHandshake: a 0.25 peer connected but did not complete the session
	// handshake (docs/protocol-0.25.md §9): it closed the connection or
	// left first, or did not finish within Config.HandshakeTimeout (then
	// the error matches context.DeadlineExceeded too). Config.OnJoinError
	// reports it; the peer never joins.
	ErrHandshake = errors.New("posthorn: peer did not complete the session handshake")
	// ErrLeft: the Room has been left; it sends nothing any more.
	ErrLeft = errors.New("posthorn: room has been left")

	// ErrRequestUnsupported: requests and responses exist only in rooms
	// on Protocol025; MakeRequestAction under Protocol018 returns it.
	ErrRequestUnsupported = errors.New("posthorn: requests need Config.Protocol = Protocol025")
	// ErrActionKind: the name was made as the other kind of action (an
	// ordinary one or a request action), or the method is not the
	// action's kind's (Send on a request action, Request on an ordinary
	// one).
	ErrActionKind = errors.New("posthorn: action is of the other kind (ordinary or request)")
	// ErrRequestTimeout: no response came within RequestOptions.Timeout.
	ErrRequestTimeout = errors.New("posthorn: request timed out")
	// ErrRequestFailed matches every *RequestError: the peer answered
	// that its handler failed.
	ErrRequestFailed = errors.New("posthorn: the peer's request handler failed")
	// ErrNoHandler matches the *RequestError of a peer that had no
	// handler for the action within 500 ms.
	ErrNoHandler = errors.New("posthorn: the peer has no request handler for this action")
)

// UnknownPeerError names a target or ping id that is not connected. Sends
// skip such targets with a logged warning, as Trystero does; Ping returns it.
type UnknownPeerError struct{ ID string }

func (e *UnknownPeerError) Error() string {
	return fmt.Sprintf("posthorn: no connected peer with id %q", e.ID)
}

// Is makes errors.Is(err, ErrUnknownPeer) true.
func (e *UnknownPeerError) Is(target error) bool { return target == ErrUnknownPeer }
