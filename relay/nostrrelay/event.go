package nostrrelay

import (
	"encoding/json"
	"errors"
	"fmt"

	gonostr "github.com/nbd-wtf/go-nostr"
)

// Event errors; their text follows NIP-01's "invalid: " prefix convention.
var (
	ErrEventShape = errors.New("invalid: malformed event")
	ErrEventID    = errors.New("invalid: event id does not match")
	ErrSignature  = errors.New("invalid: bad signature")
)

// event is a received event plus its raw JSON, forwarded as received.
type event struct {
	ID        string     `json:"id"`
	PubKey    string     `json:"pubkey"`
	CreatedAt int64      `json:"created_at"`
	Kind      int        `json:"kind"`
	Tags      [][]string `json:"tags"`
	Content   string     `json:"content"`
	Sig       string     `json:"sig"`

	raw json.RawMessage
}

// parseEvent decodes and fully validates an event: shape, id and signature.
func parseEvent(raw json.RawMessage) (*event, error) {
	var e event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEventShape, err)
	}
	if !isHex(e.ID, 64) || !isHex(e.PubKey, 64) || !isHex(e.Sig, 128) {
		return nil, fmt.Errorf("%w: id, pubkey and sig must be lowercase hex", ErrEventShape)
	}
	if e.Kind < 0 || e.Kind > 65535 {
		return nil, fmt.Errorf("%w: kind out of range", ErrEventShape)
	}
	tags := make(gonostr.Tags, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = gonostr.Tag(t)
	}
	ge := gonostr.Event{ID: e.ID, PubKey: e.PubKey, CreatedAt: gonostr.Timestamp(e.CreatedAt),
		Kind: e.Kind, Tags: tags, Content: e.Content, Sig: e.Sig}
	// go-nostr's canonical serialisation escapes like JSON.stringify, which
	// is what NIP-01 specifies and what Trystero hashes (wire-0.18 §7.2).
	if !ge.CheckID() {
		return nil, ErrEventID
	}
	if ok, err := ge.CheckSignature(); err != nil || !ok {
		return nil, ErrSignature
	}
	e.raw = append(json.RawMessage(nil), raw...)
	return &e, nil
}

// ephemeral kinds are forwarded, never stored (NIP-01).
func (e *event) ephemeral() bool { return e.Kind >= 20000 && e.Kind < 30000 }

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
