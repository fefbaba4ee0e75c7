package nostrrelay

import (
	"bytes"
	"encoding/json"
)

// Relay-to-client messages (NIP-01).

func notice(msg string) []byte { return mustJSON([]any{"NOTICE", msg}) }

func ok(id string, accepted bool, msg string) []byte {
	return mustJSON([]any{"OK", id, accepted, msg})
}

func closed(subID, msg string) []byte { return mustJSON([]any{"CLOSED", subID, msg}) }

// eventPrefix is what precedes an event's JSON, sent as the client sent
// it, in an EVENT message for subID; "]" follows.
func eventPrefix(subID string) []byte {
	var b bytes.Buffer
	b.WriteString(`["EVENT",`)
	b.Write(mustJSON(subID))
	b.WriteByte(',')
	return b.Bytes()
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only strings, bools and slices of them
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'})
}

// eventIDOf extracts the id of an event that failed validation, so the OK
// can name it; "" if there is no string id.
func eventIDOf(raw json.RawMessage) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil || len(v.ID) > 64 {
		return ""
	}
	return v.ID
}
