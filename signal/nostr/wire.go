package nostr

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/nip01"
)

// errRelayMessage reports a relay message that is not a NIP-01 array.
var errRelayMessage = errors.New("nostr: malformed relay message")

// filter is Trystero's subscription filter, members in its order
// {"kinds":[29333],"since":<now>,"#x":[topic]} (protocol-0.18 §7.2).
type filter struct {
	Kinds []int    `json:"kinds"`
	Since int64    `json:"since"`
	X     []string `json:"#x"`
}

// reqMessage is ["REQ", subID, filter] for one topic.
func reqMessage(subID, topic string, since int64) []byte {
	return mustJSON([]any{"REQ", subID, filter{Kinds: []int{kind}, Since: since, X: []string{topic}}})
}

// closeMessage is ["CLOSE", subID], sent on leave (§7.2).
func closeMessage(subID string) []byte { return mustJSON([]any{"CLOSE", subID}) }

// eventMessage is ["EVENT", event].
func eventMessage(e nip01.Event) ([]byte, error) {
	ev, err := e.Marshal()
	if err != nil {
		return nil, err
	}
	return append(append([]byte(`["EVENT",`), ev...), ']'), nil
}

func mustJSON(v any) []byte {
	b, err := jsjson.Marshal(v)
	if err != nil {
		panic(err) // only strings, ints and slices of them
	}
	return b
}

// relayMessage is one parsed relay-to-client message (NIP-01).
type relayMessage struct {
	Type    string // EVENT, OK, EOSE, NOTICE, CLOSED, ...
	SubID   string // EVENT, EOSE, CLOSED
	Event   json.RawMessage
	EventID string // OK
	OK      bool   // OK
	Message string // OK, NOTICE, CLOSED
}

// parseRelayMessage decodes the envelope; an EVENT's event stays raw so that
// only subscriptions of ours pay for decoding it.
func parseRelayMessage(b []byte) (relayMessage, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil || len(arr) == 0 {
		return relayMessage{}, fmt.Errorf("%w: not a JSON array", errRelayMessage)
	}
	var m relayMessage
	if err := json.Unmarshal(arr[0], &m.Type); err != nil {
		return relayMessage{}, fmt.Errorf("%w: type is not a string", errRelayMessage)
	}
	str := func(i int, dst *string) error {
		if len(arr) <= i {
			return fmt.Errorf("%w: %s has too few elements", errRelayMessage, m.Type)
		}
		if err := json.Unmarshal(arr[i], dst); err != nil {
			return fmt.Errorf("%w: %s element %d is not a string", errRelayMessage, m.Type, i)
		}
		return nil
	}
	var err error
	switch m.Type {
	case "EVENT":
		if err = str(1, &m.SubID); err == nil {
			if len(arr) < 3 {
				err = fmt.Errorf("%w: EVENT without event", errRelayMessage)
			} else {
				m.Event = arr[2]
			}
		}
	case "OK":
		if err = str(1, &m.EventID); err == nil && len(arr) > 2 {
			if json.Unmarshal(arr[2], &m.OK) != nil {
				err = fmt.Errorf("%w: OK flag is not a boolean", errRelayMessage)
			} else if len(arr) > 3 {
				_ = json.Unmarshal(arr[3], &m.Message)
			}
		}
	case "EOSE":
		err = str(1, &m.SubID)
	case "CLOSED":
		if err = str(1, &m.SubID); err == nil && len(arr) > 2 {
			_ = json.Unmarshal(arr[2], &m.Message)
		}
	case "NOTICE":
		if len(arr) > 1 {
			_ = json.Unmarshal(arr[1], &m.Message)
		}
	}
	return m, err
}

// parseEvent decodes an event object.
func parseEvent(raw json.RawMessage) (nip01.Event, error) {
	var e nip01.Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nip01.Event{}, fmt.Errorf("%w: %v", nip01.ErrEventShape, err)
	}
	return e, nil
}
