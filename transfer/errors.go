package transfer

import (
	"errors"
	"fmt"
)

// Errors a send or makeAction can fail with, for its action name, data or
// metadata (docs/protocol-0.18.md §5.3, §5.7). Nothing is sent when one of
// them is returned.
var (
	// ErrEmptyAction: the action name is empty.
	ErrEmptyAction = errors.New("transfer: action name is empty")
	// ErrActionTooLong matches every *ActionNameError.
	ErrActionTooLong = errors.New("transfer: action name is too long")
	// ErrMetaNotObject: the metadata is not a JSON object or array, which
	// Trystero 0.18 peers require.
	ErrMetaNotObject = errors.New("transfer: metadata must be a JSON object or array")
	// ErrMetaNotBinary: Trystero 0.18 carries metadata only with binary data.
	ErrMetaNotBinary = errors.New("transfer: metadata can only be sent with binary data")
	// ErrBadMeta: the metadata is not valid JSON.
	ErrBadMeta = errors.New("transfer: metadata is not valid JSON")
	// ErrBadJSON: data sent as JSON is not valid JSON. A received JSON
	// message that is not valid is dropped with the same error.
	ErrBadJSON = errors.New("transfer: data is not valid JSON")
)

// ActionNameError reports an action name longer than the protocol's type
// field (12 bytes of UTF-8 in Trystero 0.18).
type ActionNameError struct {
	Name  string // the rejected name
	Bytes int    // its length in UTF-8 bytes
	Limit int    // the longest name the protocol carries, in bytes
}

func (e *ActionNameError) Error() string {
	return fmt.Sprintf("transfer: action name %q is %d bytes, over the limit of %d", e.Name, e.Bytes, e.Limit)
}

// Is makes errors.Is(err, ErrActionTooLong) true.
func (e *ActionNameError) Is(target error) bool { return target == ErrActionTooLong }
