package jsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/v025/handshake"
	"github.com/posthorn/posthorn/internal/v025/reqres"
	"github.com/posthorn/posthorn/transfer"
)

// trysteroPrefix starts every message Trystero throws (utils.js mkErr).
const trysteroPrefix = "Trystero: "

// jsTexts maps posthorn's Go errors to what Trystero 0.18 throws for the same
// condition (docs/protocol-0.18.md §5.7 and the joinRoom guard): the one
// place where those texts are written.
var jsTexts = []struct {
	err  error
	text string
}{
	{posthorn.ErrNoAppID, "config map is missing appId field"},
	{posthorn.ErrNoRoomID, "namespace argument required"},
	{posthorn.ErrNoPeerID, "ping() must be called with target peer ID"},
	{transfer.ErrEmptyAction, "action type argument is required"},
	{transfer.ErrMetaNotObject, "action meta argument must be an object"},
	{transfer.ErrMetaNotBinary, "action meta argument can only be used with binary data"},
}

// Conditions only JS arguments can have, with Trystero's texts.
var (
	// joinRoom's guard (utils.js initGuard; torrent.js for the renamed
	// options).
	errNoConfig       = trysteroErr("requires a config map as the first argument")
	errTrackerOptions = trysteroErr("trackerUrls/trackerRedundancy have been replaced by relayUrls/relayRedundancy")
	// send's check of its data (protocol-0.18 §5.7).
	errDataUndefined = trysteroErr("action data cannot be undefined")
	// errNotJSON: JSON.stringify gave undefined (a function or symbol).
	// Trystero 0.18 would send an empty JSON payload its receivers cannot
	// parse; posthorn refuses instead.
	errNotJSON = errors.New("posthorn: action data has no JSON form (function or symbol)")
)

// errorText is the message a JS caller sees for err: Trystero's exact text
// when the condition has one, else the Go error's.
func errorText(err error) string {
	var ne *transfer.ActionNameError
	if errors.As(err, &ne) {
		// The name goes in verbatim, as a JS template literal puts it.
		return fmt.Sprintf(`%saction type string "%s" (%db) exceeds byte limit (%d). Hint: choose a shorter name.`,
			trysteroPrefix, ne.Name, ne.Bytes, ne.Limit)
	}
	for _, t := range jsTexts {
		if errors.Is(err, t.err) {
			return trysteroPrefix + t.text
		}
	}
	var je *jsErrorText
	if errors.As(err, &je) {
		return je.msg
	}
	var ae *actionError
	if errors.As(err, &ae) {
		return ae.msg
	}
	return err.Error()
}

// joinErrorText is the error text Trystero 0.25's onJoinError gives for e:
// "incorrect room password when decrypting offer" (or "answer"), and for
// the session handshake "incorrect password for overlapping room" or
// "handshake timed out after <timeoutMs>ms", timeoutMs being the room's
// handshakeTimeoutMs as JS writes it.
func joinErrorText(e *posthorn.JoinError, timeoutMs string) string {
	switch {
	case errors.Is(e.Err, handshake.ErrPassword):
		return "incorrect password for overlapping room"
	case errors.Is(e.Err, posthorn.ErrHandshake) && errors.Is(e.Err, context.DeadlineExceeded):
		return "handshake timed out after " + timeoutMs + "ms"
	}
	return strings.TrimPrefix(e.Err.Error(), "posthorn: ")
}

// jsErrorText is an error of a JS-only condition, whose JS message is
// exactly msg.
type jsErrorText struct{ msg string }

func (e *jsErrorText) Error() string { return e.msg }

// trysteroErr is a JS-only condition that JS sees as "Trystero: <msg>".
func trysteroErr(msg string) error { return &jsErrorText{trysteroPrefix + msg} }

// Trystero 0.25's texts for conditions whose 0.18 text differs or that 0.18
// does not have (@trystero-p2p/core 0.25.4).
var (
	errNoRoomID025         = trysteroErr("roomId argument required")
	errCallbacks025        = trysteroErr("third argument must be a callbacks object")
	errHandshakeTimeout025 = trysteroErr("handshakeTimeoutMs must be a positive number")
	errRequestKind025      = trysteroErr(`request actions must use kind: "request"`)
	// errAborted rejects a send whose AbortSignal fired; JS sees an Error
	// named AbortError with kind "aborted", as 0.25 makes it (jsErr).
	errAborted = trysteroErr("operation aborted")
	// What posthorn's 0.25 API does not do yet, refused with a clear text
	// instead of being ignored.
	errHandshake025 = errors.New("posthorn: onPeerHandshake (custom handshakes) is not supported yet")
	errNoActivePeer = func(id string) error { return trysteroErr("no active peer with id " + id) }
)

// actionError is an error 0.25 gives a request (makeActionError): a
// Trystero text and the kind JS code tells them apart by ("timeout",
// "disconnected", "rejected", "aborted").
type actionError struct{ kind, msg string }

func (e *actionError) Error() string { return e.msg }

// The texts of 0.25's request errors, and of its request handlers'
// failures as they travel to the requester.
const (
	// undefinedResponse025 is what a handler that returned undefined
	// answers.
	undefinedResponse025 = trysteroPrefix + "request handler returned undefined"
	// requestFailed025 is toErrorMessage's fallback.
	requestFailed025 = "request failed"
)

var errRequestTimeout025 = &actionError{"timeout", trysteroPrefix + "request timed out"}

// errTargets025: requestMany's options have no targets array (JS throws
// a TypeError reading options.targets.map).
var errTargets025 = errors.New("posthorn: requestMany needs options.targets, an array of peer ids")

// errRedefined025 is makeAction's refusal to make a name again as the
// other kind of action.
func errRedefined025(name string) error {
	return trysteroErr(`action type "` + name + `" cannot be redefined`)
}

// requestError025 is the error a 0.25 request rejects with for err. A
// peer that left (with @_leave: "peer left room"; its connection closed:
// "peer disconnected") or a room left gives "Trystero: Trystero: …": 0.25.4
// wraps its own Error's message with mkErr a second time.
func requestError025(id string, err error) error {
	var re *posthorn.RequestError
	var unknown *posthorn.UnknownPeerError
	switch {
	case errors.As(err, &re):
		return &actionError{"rejected", trysteroPrefix + re.Msg}
	case errors.Is(err, posthorn.ErrRequestTimeout):
		return errRequestTimeout025
	case errors.As(err, &unknown):
		return &actionError{"disconnected", trysteroPrefix + "no active peer with id " + id}
	case errors.Is(err, reqres.ErrSaidLeave):
		return &actionError{"disconnected", trysteroPrefix + trysteroPrefix + "peer left room"}
	case errors.Is(err, posthorn.ErrPeerLeft):
		return &actionError{"disconnected", trysteroPrefix + trysteroPrefix + "peer disconnected"}
	case errors.Is(err, posthorn.ErrLeft):
		return &actionError{"disconnected", trysteroPrefix + trysteroPrefix + "room left"}
	}
	return err
}
