package transfer

import (
	"encoding/json"
	"errors"

	"github.com/posthorn/posthorn/internal/jstext"
)

// Message is one completed transmission (protocol-0.18 §5.4 step 5).
type Message struct {
	Action string
	Kind   Kind
	// Data is the concatenated payload as sent: UTF-8 text for KindString,
	// JSON text for KindJSON, raw bytes for KindBinary.
	Data []byte
	// Meta is the metadata JSON. With 0.18 framing it is set only for binary
	// messages (JS delivers strings and JSON values without it); nil if none.
	Meta json.RawMessage
}

// String returns the payload as the JS side's TextDecoder would decode it:
// the string a KindString message delivers, the JSON text of a KindJSON one.
func (m Message) String() string { return jstext.Decode(m.Data) }

// Bytes returns the raw payload (the Uint8Array JS delivers for binary).
func (m Message) Bytes() []byte { return m.Data }

// Decode unmarshals the payload as JSON into v (what JS's JSON.parse gives for
// a KindJSON message). A leading BOM is ignored, as TextDecoder drops it.
func (m Message) Decode(v any) error {
	return json.Unmarshal(jstext.StripBOM(m.Data), v)
}

// DecodeMeta unmarshals the metadata into v. It returns ErrNoMeta if the
// message has none.
func (m Message) DecodeMeta(v any) error {
	if m.Meta == nil {
		return ErrNoMeta
	}
	return json.Unmarshal(m.Meta, v)
}

// ErrNoMeta is returned by Message.DecodeMeta for a message without metadata.
var ErrNoMeta = errors.New("transfer: message has no metadata")
