package nostr

import (
	"time"

	"github.com/posthorn/posthorn/internal/nip01"
)

const (
	// Kind is the event kind Trystero 0.18 uses for every message; it is
	// in the ephemeral range 20000–29999, so relays forward it without
	// storing it (wire-0.18 §7.2).
	Kind = 29333
	// TagName is the tag carrying the topic: tags = [["x", topic]] (§7.2).
	TagName = "x"
)

// Event is a NIP-01 event in Trystero 0.18's member order (package nip01).
type Event = nip01.Event

// Keys is a secp256k1 key pair (Trystero: one per realm, §7.2).
type Keys = nip01.Keys

// Event errors. Unlike Trystero 0.18, which checks nothing (§7.2), posthorn
// verifies every event so that a relay that forwards anything cannot feed it
// forged or mangled events.
var (
	ErrEventShape = nip01.ErrEventShape
	ErrEventID    = nip01.ErrEventID
	ErrSignature  = nip01.ErrSignature
)

// NewKeys returns a fresh random key pair.
func NewKeys() Keys { return nip01.NewKeys() }

// newEvent returns a signed Trystero event: kind 29333, content, tags
// [["x", topic]], created_at now (wire-0.18 §7.2).
func newEvent(k Keys, topic, content string) (Event, error) {
	e := Event{Kind: Kind, Content: content, PubKey: k.PublicKey, CreatedAt: time.Now().Unix(),
		Tags: [][]string{{TagName, topic}}}
	return e, k.Sign(&e)
}
