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

// event is a received event plus its raw JSON, forwarded as received. Once
// verified, only the members filters match on are kept parsed; content and
// signature live in raw only.
type event struct {
	nip01.Event
	raw  json.RawMessage
	size int // bytes accounted for it in the store
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
	e.Content, e.Sig = "", ""
	e.size = len(e.raw) + len(e.ID) + len(e.PubKey) + eventOverhead
	for _, t := range e.Tags {
		e.size += sliceOverhead
		for _, v := range t {
			e.size += len(v) + stringOverhead
		}
	}
	return &e, nil
}

// Overheads of the parsed copy, for the store's byte budget: struct and
// slice headers, map entry, rounded up.
const (
	eventOverhead  = 256
	sliceOverhead  = 24
	stringOverhead = 16
)

// cost is what storing e counts against the store's byte budget.
func (e *event) cost() int { return e.size }

// ephemeral kinds are forwarded, never stored (NIP-01).
func (e *event) ephemeral() bool { return e.Kind >= 20000 && e.Kind < 30000 }
