// Package nip01 is the NIP-01 event model shared by posthorn's Nostr client
// (signal/nostr) and relay (relay/nostrrelay): canonical serialisation that is
// JSON.stringify-exact (protocol-0.18 §7.2 "Go trap"), ids, BIP-340 keys,
// signing and verification. Event and signature maths come from go-nostr.
package nip01

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/posthorn/posthorn/internal/jsjson"

	gonostr "github.com/nbd-wtf/go-nostr"
)

// Event errors.
var (
	ErrEventShape = errors.New("nip01: malformed event")
	ErrEventID    = errors.New("nip01: event id does not match its content")
	ErrSignature  = errors.New("nip01: bad event signature")
)

// Event is a NIP-01 event. Its fields are declared in Trystero 0.18's wire
// order, kind, content, pubkey, created_at, tags, id, sig (protocol-0.18 §7.2),
// so Marshal reproduces the JS bytes.
type Event struct {
	Kind      int        `json:"kind"`
	Content   string     `json:"content"`
	PubKey    string     `json:"pubkey"`
	CreatedAt int64      `json:"created_at"`
	Tags      [][]string `json:"tags"`
	ID        string     `json:"id"`
	Sig       string     `json:"sig"`
}

// Serialize returns the NIP-01 canonical form that the id hashes:
// JSON.stringify([0, pubkey, created_at, kind, tags, content]) byte for byte
// (no HTML escaping, raw non-ASCII; protocol-0.18 §7.2 "Go trap").
func (e Event) Serialize() ([]byte, error) {
	tags := e.Tags
	if tags == nil {
		tags = [][]string{}
	}
	return jsjson.Marshal([]any{0, e.PubKey, e.CreatedAt, e.Kind, tags, e.Content})
}

// ComputeID returns the lowercase hex SHA-256 of Serialize.
func (e Event) ComputeID() (string, error) {
	b, err := e.Serialize()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrEventShape, err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// Marshal returns the event JSON in wire order, as JSON.stringify writes it.
func (e Event) Marshal() ([]byte, error) {
	if e.Tags == nil {
		e.Tags = [][]string{}
	}
	return jsjson.Marshal(e)
}

// Tag returns the value of the first tag named name.
func (e Event) Tag(name string) (string, bool) {
	for _, t := range e.Tags {
		if len(t) >= 2 && t[0] == name {
			return t[1], true
		}
	}
	return "", false
}

// Keys is a secp256k1 key pair; PublicKey is the 64-hex BIP-340 x-only key.
type Keys struct {
	secret    string
	PublicKey string
}

// NewKeys returns a fresh random key pair.
func NewKeys() Keys {
	k, err := KeysFromSecret(gonostr.GeneratePrivateKey())
	if err != nil {
		panic("nip01: key generation failed: " + err.Error())
	}
	return k
}

// KeysFromSecret returns the key pair of a 64-hex secret key.
func KeysFromSecret(secretHex string) (Keys, error) {
	if b, err := hex.DecodeString(secretHex); err != nil || len(b) != 32 {
		return Keys{}, errors.New("nip01: secret key must be 64 hex characters")
	}
	pk, err := gonostr.GetPublicKey(secretHex)
	if err != nil {
		return Keys{}, fmt.Errorf("nip01: %w", err)
	}
	return Keys{secret: secretHex, PublicKey: pk}, nil
}

// Sign sets e.PubKey, e.ID and e.Sig (BIP-340 over the id).
func (k Keys) Sign(e *Event) error {
	e.PubKey = k.PublicKey
	id, err := e.ComputeID()
	if err != nil {
		return err
	}
	ge := GoNostr(*e)
	if err := ge.Sign(k.secret); err != nil {
		return fmt.Errorf("nip01: sign: %w", err)
	}
	if ge.ID != id { // only for strings JS cannot hold (invalid UTF-8)
		return fmt.Errorf("%w: not representable as a JS string", ErrEventShape)
	}
	e.ID, e.Sig = ge.ID, ge.Sig
	return nil
}

// Verify checks the shape of e, that its id is the hash of its content and
// that sig is pubkey's BIP-340 signature of the id (NIP-01).
func (e Event) Verify() error {
	if !isHex(e.ID, 64) || !isHex(e.PubKey, 64) || !isHex(e.Sig, 128) {
		return fmt.Errorf("%w: id, pubkey and sig must be lowercase hex of 32, 32 and 64 bytes", ErrEventShape)
	}
	id, err := e.ComputeID()
	if err != nil {
		return err
	}
	if id != e.ID {
		return ErrEventID
	}
	ok, err := GoNostr(e).CheckSignature()
	if err != nil || !ok {
		return ErrSignature
	}
	return nil
}

// GoNostr converts e to go-nostr's event type.
func GoNostr(e Event) gonostr.Event {
	tags := make(gonostr.Tags, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = gonostr.Tag(t)
	}
	return gonostr.Event{ID: e.ID, PubKey: e.PubKey, CreatedAt: gonostr.Timestamp(e.CreatedAt),
		Kind: e.Kind, Tags: tags, Content: e.Content, Sig: e.Sig}
}

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
