package nostrrelay

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/posthorn/posthorn/internal/nip01"
)

// Event errors; their text follows NIP-01's "invalid: " prefix convention.
var (
	ErrEventShape = errors.New("invalid: malformed event")
	ErrEventID    = errors.New("invalid: event id does not match")
	ErrSignature  = errors.New("invalid: bad signature")
)

// event is a received event plus its raw JSON, forwarded as received.
type event struct {
	nip01.Event
	raw json.RawMessage
}

// parseEvent decodes and fully validates an event: shape, id and signature.
func parseEvent(raw json.RawMessage) (*event, error) {
	var e event
	if err := json.Unmarshal(raw, &e.Event); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEventShape, err)
	}
	if e.Kind < 0 || e.Kind > 65535 {
		return nil, fmt.Errorf("%w: kind out of range", ErrEventShape)
	}
	switch err := e.Verify(); {
	case errors.Is(err, nip01.ErrEventID):
		return nil, ErrEventID
	case errors.Is(err, nip01.ErrSignature):
		return nil, ErrSignature
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrEventShape, err)
	}
	e.raw = append(json.RawMessage(nil), raw...)
	return &e, nil
}

// ephemeral kinds are forwarded, never stored (NIP-01).
func (e *event) ephemeral() bool { return e.Kind >= 20000 && e.Kind < 30000 }
