package chunk

import (
	"errors"
)

// Errors of Encode and Validate for the codec's own arguments.
var (
	// ErrKind: the Kind is not KindString, KindJSON or KindBinary.
	ErrKind = errors.New("chunk: invalid data kind")
	// ErrFraming: the Framing's parameters are unusable.
	ErrFraming = errors.New("chunk: invalid framing")
)

// Errors of Parse.
var (
	// ErrTruncated: the chunk is shorter than the header.
	ErrTruncated = errors.New("chunk: chunk shorter than its header")
	// ErrReservedBits: tag bits 4–7 are set; no Trystero sender sets them
	// (protocol-0.18 §5.2).
	ErrReservedBits = errors.New("chunk: reserved tag bits set")
)

// Errors of the Reassembler. In every case the named transmission is dropped
// and the others from the same peer are unaffected.
var (
	// ErrTooManyPending: the peer already has Limits.MaxPending transmissions
	// in flight; the new one is dropped.
	ErrTooManyPending = errors.New("chunk: too many pending transmissions")
	// ErrTooLarge: the transmission exceeds Limits.MaxMessage.
	ErrTooLarge = errors.New("chunk: transmission too large")
	// ErrOverBudget: the peer's buffered bytes would exceed Limits.MaxBytes.
	ErrOverBudget = errors.New("chunk: peer's receive budget exceeded")
	// ErrRoomBudget: the budget shared with other peers (Reassembler.Share)
	// is full. Unlike the others, this error leaves the transmission as it
	// was and the chunk untaken.
	ErrRoomBudget = errors.New("chunk: room's receive budget exceeded")
	// ErrInconsistent: a chunk's isBinary/isJson bits differ from those of
	// earlier chunks of the same transmission.
	ErrInconsistent = errors.New("chunk: inconsistent chunk flags")
	// ErrDiscarded: the chunk belongs to a transmission dropped earlier and is
	// skipped. It is informational; callers usually ignore it.
	ErrDiscarded = errors.New("chunk: chunk of a dropped transmission")
)
