package nostr

import (
	"time"

	"github.com/posthorn/posthorn/internal/nip01"
)

const (
	// kind is the event kind Trystero 0.18 uses for every message; it is
	// in the ephemeral range 20000–29999, so relays forward it without
	// storing it (protocol-0.18 §7.2).
	kind = 29333
	// tagName is the tag carrying the topic: tags = [["x", topic]] (§7.2).
	tagName = "x"
)

// newEvent returns a signed Trystero event: the kind (29333 under 0.18,
// the topic's under 0.25), content, tags [["x", topic]], created_at now
// (protocol-0.18 §7.2, protocol-0.25 §11.2).
func newEvent(k nip01.Keys, kind int, topic, content string) (nip01.Event, error) {
	e := nip01.Event{Kind: kind, Content: content, PubKey: k.PublicKey, CreatedAt: time.Now().Unix(),
		Tags: [][]string{{tagName, topic}}}
	return e, k.Sign(&e)
}
