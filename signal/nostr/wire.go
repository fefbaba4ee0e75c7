package nostr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/jsonobj"
	"github.com/posthorn/posthorn/internal/nip01"
)

// errRelayMessage reports a relay message that is not a NIP-01 array.
var errRelayMessage = errors.New("nostr: malformed relay message")

// reqMessage is ["REQ", subID, filter], the filter's members in Trystero's
// order {"kinds":[29333],"since":<now>,"#x":[topic]} (protocol-0.18 §7.2);
// 0.25 lists the topics' distinct kinds and the topics, self first
// (protocol-0.25 §11.2). Like the other encoders here it writes
// JSON.stringify's bytes itself: they run on a join's path in the browser.
func reqMessage(subID string, kinds []int, topics []string, since int64) []byte {
	ks := jsjson.AppendArray(nil, kinds, func(b []byte, k int) []byte { return strconv.AppendInt(b, int64(k), 10) })
	filter := jsjson.NewObject(48+len(ks)+len(topics)*72).Raw("kinds", ks).Int("since", since).
		Raw("#x", jsjson.AppendArray(nil, topics, jsjson.AppendString)).Bytes()
	b := jsjson.AppendString([]byte(`["REQ",`), subID)
	return append(append(append(b, ','), filter...), ']')
}

// closeMessage is ["CLOSE", subID], sent on leave (§7.2).
func closeMessage(subID string) []byte {
	return append(jsjson.AppendString([]byte(`["CLOSE",`), subID), ']')
}

// eventMessage is ["EVENT", event], the event's members in 0.25's order
// (kind, tags, created_at, content, pubkey, id, sig; protocol-0.25 §11.2)
// if v025, else in 0.18's (nip01.Event.Marshal).
func eventMessage(e nip01.Event, v025 bool) []byte {
	var ev []byte
	if v025 {
		ev = jsjson.NewObject(256+len(e.Content)).Int("kind", int64(e.Kind)).
			Raw("tags", nip01.AppendTags(nil, e.Tags)).Int("created_at", e.CreatedAt).
			String("content", e.Content).String("pubkey", e.PubKey).String("id", e.ID).
			String("sig", e.Sig).Bytes()
	} else {
		ev = e.Marshal()
	}
	return append(append([]byte(`["EVENT",`), ev...), ']')
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

// parseRelayMessage decodes the envelope; an EVENT's event stays raw (a
// copy) so that only subscriptions of ours pay for decoding it. It decodes
// as encoding/json into a []json.RawMessage and its elements would, through
// internal/jsonobj (no reflection: see its package doc).
func parseRelayMessage(b []byte) (relayMessage, error) {
	var arr []json.RawMessage
	err := jsonobj.Elements(b, func(v json.RawMessage) error {
		arr = append(arr, v)
		return nil
	})
	if err != nil || len(arr) == 0 {
		return relayMessage{}, fmt.Errorf("%w: not a JSON array", errRelayMessage)
	}
	var m relayMessage
	if err := jsonobj.String(arr[0], &m.Type); err != nil {
		return relayMessage{}, fmt.Errorf("%w: type is not a string", errRelayMessage)
	}
	str := func(i int, dst *string) error {
		if len(arr) <= i {
			return fmt.Errorf("%w: %s has too few elements", errRelayMessage, m.Type)
		}
		if err := jsonobj.String(arr[i], dst); err != nil {
			return fmt.Errorf("%w: %s element %d is not a string", errRelayMessage, m.Type, i)
		}
		return nil
	}
	switch m.Type {
	case "EVENT":
		if err = str(1, &m.SubID); err == nil {
			if len(arr) < 3 {
				err = fmt.Errorf("%w: EVENT without event", errRelayMessage)
			} else {
				m.Event = bytes.Clone(arr[2])
			}
		}
	case "OK":
		if err = str(1, &m.EventID); err == nil && len(arr) > 2 {
			if jsonobj.Bool(arr[2], &m.OK) != nil {
				err = fmt.Errorf("%w: OK flag is not a boolean", errRelayMessage)
			} else if len(arr) > 3 {
				_ = jsonobj.String(arr[3], &m.Message)
			}
		}
	case "EOSE":
		err = str(1, &m.SubID)
	case "CLOSED":
		if err = str(1, &m.SubID); err == nil && len(arr) > 2 {
			_ = jsonobj.String(arr[2], &m.Message)
		}
	case "NOTICE":
		if len(arr) > 1 {
			_ = jsonobj.String(arr[1], &m.Message)
		}
	}
	return m, err
}

// roomsOnly reports whether b looks like an EVENT or EOSE, the messages only
// rooms act on: the strategy's watcher leaves them to the rooms rather than
// decode each one once more (most of a relay's traffic is EVENTs, and
// decoding costs in the browser build).
func roomsOnly(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '[' {
		return false
	}
	b = bytes.TrimLeft(b[1:], " \t\r\n")
	return bytes.HasPrefix(b, []byte(`"EVENT"`)) || bytes.HasPrefix(b, []byte(`"EOSE"`))
}

// parseEvent decodes an event object.
// It decodes as json.Unmarshal into nip01.Event would, through
// internal/jsonobj (no reflection on a struct type on the join's path in
// the browser build).
func parseEvent(raw json.RawMessage) (nip01.Event, error) {
	var e nip01.Event
	err := jsonobj.Members(raw, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "kind"):
			return json.Unmarshal(v, &e.Kind)
		case strings.EqualFold(name, "content"):
			return jsonobj.String(v, &e.Content)
		case strings.EqualFold(name, "pubkey"):
			return jsonobj.String(v, &e.PubKey)
		case strings.EqualFold(name, "created_at"):
			return json.Unmarshal(v, &e.CreatedAt)
		case strings.EqualFold(name, "tags"):
			return json.Unmarshal(v, &e.Tags)
		case strings.EqualFold(name, "id"):
			return jsonobj.String(v, &e.ID)
		case strings.EqualFold(name, "sig"):
			return jsonobj.String(v, &e.Sig)
		}
		return nil
	})
	if err != nil {
		return nip01.Event{}, fmt.Errorf("%w: %v", nip01.ErrEventShape, err)
	}
	return e, nil
}
