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

// newEvent returns a signed Trystero event: kind 29333, content, tags
// [["x", topic]], created_at now (protocol-0.18 §7.2).
func newEvent(k nip01.Keys, topic, content string) (nip01.Event, error) {
	e := nip01.Event{Kind: kind, Content: content, PubKey: k.PublicKey, CreatedAt: time.Now().Unix(),
		Tags: [][]string{{tagName, topic}}}
	return e, k.Sign(&e)
}
