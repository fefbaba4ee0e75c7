package nostrrelay

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrMessage reports a malformed client message (sent back as a NOTICE).
var ErrMessage = errors.New("invalid: malformed message")

// maxSubIDLen bounds a subscription id (NIP-01: at most 64 characters;
// Trystero's are exactly 64, protocol-0.18 §7.2).
const maxSubIDLen = 64

// clientMessage is one parsed client message.
type clientMessage struct {
	Type    string          // EVENT, REQ, CLOSE
	Event   json.RawMessage // EVENT; validated by parseEvent
	SubID   string          // REQ, CLOSE
	Filters []filter        // REQ
}

// parseClientMessage decodes the envelope of a client message. Errors wrap
// ErrMessage. maxFilters bounds a REQ, maxValues each list of a filter.
func parseClientMessage(b []byte, maxFilters, maxValues int) (clientMessage, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil || len(arr) == 0 {
		return clientMessage{}, fmt.Errorf("%w: not a non-empty JSON array", ErrMessage)
	}
	var m clientMessage
	if err := json.Unmarshal(arr[0], &m.Type); err != nil {
		return clientMessage{}, fmt.Errorf("%w: message type is not a string", ErrMessage)
	}
	subID := func() error {
		if len(arr) < 2 || json.Unmarshal(arr[1], &m.SubID) != nil || m.SubID == "" || len(m.SubID) > maxSubIDLen {
			return fmt.Errorf("%w: %s needs a subscription id of 1-%d characters", ErrMessage, m.Type, maxSubIDLen)
		}
		return nil
	}
	switch m.Type {
	case "EVENT":
		if len(arr) != 2 {
			return clientMessage{}, fmt.Errorf("%w: EVENT takes one event", ErrMessage)
		}
		m.Event = arr[1]
	case "REQ":
		if err := subID(); err != nil {
			return clientMessage{}, err
		}
		if len(arr) < 3 || len(arr)-2 > maxFilters {
			return clientMessage{}, fmt.Errorf("%w: REQ takes 1-%d filters", ErrMessage, maxFilters)
		}
		for _, raw := range arr[2:] {
			f, err := parseFilter(raw, maxValues)
			if err != nil {
				return clientMessage{}, fmt.Errorf("%w: %v", ErrMessage, err)
			}
			m.Filters = append(m.Filters, f)
		}
	case "CLOSE":
		if err := subID(); err != nil {
			return clientMessage{}, err
		}
	default:
		return clientMessage{}, fmt.Errorf("%w: unknown message type %q", ErrMessage, m.Type)
	}
	return m, nil
}
