package chunk

import (
	"errors"
	"fmt"
)

// Errors of the sender (Encode). Each matches one of the JS sender's exceptions
// (wire-0.18 §5.7); JSMessage gives Trystero's exact text.
var (
	// ErrEmptyAction: the action name is empty.
	ErrEmptyAction = errors.New("transfer: action type argument is required")
	// ErrActionTooLong: the action name exceeds Framing.TypeLen bytes. The
	// error returned is an *ActionNameError, which matches this with errors.Is.
	ErrActionTooLong = errors.New("transfer: action type string exceeds byte limit")
	// ErrMetaNotObject: 0.18 metadata must be a JSON object or array (null and
	// the other JS-falsy values mean "no metadata").
	ErrMetaNotObject = errors.New("transfer: action meta argument must be an object")
	// ErrMetaNotBinary: 0.18 metadata is only allowed with binary data.
	ErrMetaNotBinary = errors.New("transfer: action meta argument can only be used with binary data")
	// ErrKind: the transfer.Kind is not KindString, KindJSON or KindBinary.
	ErrKind = errors.New("transfer: invalid data kind")
	// ErrFraming: the Framing's parameters are unusable.
	ErrFraming = errors.New("transfer: invalid framing")
)

// Errors of Encode and of the receiver for bad JSON.
var (
	// ErrBadMeta: metadata is not valid JSON (sender), or a meta chunk's
	// payload is not (receiver; the transmission is dropped).
	ErrBadMeta = errors.New("transfer: metadata is not valid JSON")
	// ErrBadJSON: KindJSON data is not valid JSON (sender), or a completed
	// isJson transmission is not (receiver; nothing is delivered).
	ErrBadJSON = errors.New("transfer: payload is not valid JSON")
)

// Errors of Parse.
var (
	// ErrTruncated: the chunk is shorter than the header.
	ErrTruncated = errors.New("transfer: chunk shorter than its header")
	// ErrReservedBits: tag bits 4–7 are set; no Trystero sender sets them
	// (wire-0.18 §5.2).
	ErrReservedBits = errors.New("transfer: reserved tag bits set")
)

// Errors of the Reassembler. In every case the named transmission is dropped
// and the others from the same peer are unaffected.
var (
	// ErrTooManyPending: the peer already has Limits.MaxPending transmissions
	// in flight; the new one is dropped.
	ErrTooManyPending = errors.New("transfer: too many pending transmissions")
	// ErrTooLarge: the transmission exceeds Limits.MaxMessage, or the peer's
	// buffered bytes would exceed Limits.MaxBytes.
	ErrTooLarge = errors.New("transfer: transmission too large")
	// ErrInconsistent: a chunk's isBinary/isJson bits differ from those of
	// earlier chunks of the same transmission.
	ErrInconsistent = errors.New("transfer: inconsistent chunk flags")
	// ErrDiscarded: the chunk belongs to a transmission dropped earlier and is
	// skipped. It is informational; callers usually ignore it.
	ErrDiscarded = errors.New("transfer: chunk of a dropped transmission")
)

// ActionNameError reports an action name longer than the framing allows. Its
// JSMessage is Trystero's exact exception text (wire-0.18 §5.7).
type ActionNameError struct {
	Name  string // the rejected name
	Bytes int    // its length in UTF-8 bytes
	Limit int    // Framing.TypeLen
}

func (e *ActionNameError) Error() string {
	return fmt.Sprintf("transfer: action type string %q (%db) exceeds byte limit (%d)", e.Name, e.Bytes, e.Limit)
}

// Is makes errors.Is(err, ErrActionTooLong) true.
func (e *ActionNameError) Is(target error) bool { return target == ErrActionTooLong }

// JSMessage is the message trystero throws for this name, e.g.
// `Trystero: action type string "thirteen-byte" (13b) exceeds byte limit (12). Hint: choose a shorter name.`
// The name is inserted verbatim, as a JS template literal does.
func (e *ActionNameError) JSMessage() string {
	return fmt.Sprintf(`Trystero: action type string "%s" (%db) exceeds byte limit (%d). Hint: choose a shorter name.`,
		e.Name, e.Bytes, e.Limit)
}

// jsMessages maps sender errors to Trystero's exception text (wire-0.18 §5.7).
var jsMessages = []struct {
	err error
	msg string
}{
	{ErrEmptyAction, "Trystero: action type argument is required"},
	{ErrMetaNotObject, "Trystero: action meta argument must be an object"},
	{ErrMetaNotBinary, "Trystero: action meta argument can only be used with binary data"},
}

// JSMessage returns the exact message Trystero throws for the condition err
// reports, for the errors that have a JS twin (ErrEmptyAction,
// *ActionNameError, ErrMetaNotObject, ErrMetaNotBinary). ok is false for
// others.
func JSMessage(err error) (msg string, ok bool) {
	var ne *ActionNameError
	if errors.As(err, &ne) {
		return ne.JSMessage(), true
	}
	for _, m := range jsMessages {
		if errors.Is(err, m.err) {
			return m.msg, true
		}
	}
	return "", false
}

// UnregisteredTypeMessage is the message the JS receiver throws (and logs)
// for a chunk whose action is not registered (wire-0.18 §5.4 step 2).
func UnregisteredTypeMessage(action string) string {
	return "Trystero: received message with unregistered type (" + action + ")"
}
