// Package nip01 is the NIP-01 event model shared by posthorn's Nostr client
// (signal/nostr) and relay (relay/nostrrelay): canonical serialisation that is
// JSON.stringify-exact (protocol-0.18 §7.2 "Go trap"), ids, BIP-340 keys,
// signing and verification. The BIP-340 maths come natively from btcec's
// schnorr package (the one go-nostr uses), without go-nostr's relay client,
// which would add a JSON parser and a WebSocket stack to the wasm build; in
// the browser build from internal/bip340, since btcec's secp256k1 links a
// 700 KB table (keys_js.go).
package nip01

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/posthorn/posthorn/internal/jsjson"
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
// (no HTML escaping, raw non-ASCII; protocol-0.18 §7.2 "Go trap"). It writes
// the bytes itself, not by reflection: the relay hashes every event it
// takes, and a page every event it sends.
func (e Event) Serialize() []byte {
	b := make([]byte, 0, 96+len(e.PubKey)+tagsLen(e.Tags)+len(e.Content)+len(e.Content)/8)
	b = jsjson.AppendString(append(b, "[0,"...), e.PubKey)
	b = strconv.AppendInt(append(b, ','), e.CreatedAt, 10)
	b = strconv.AppendInt(append(b, ','), int64(e.Kind), 10)
	b = AppendTags(append(b, ','), e.Tags)
	b = jsjson.AppendString(append(b, ','), e.Content)
	return append(b, ']')
}

// ComputeID returns the lowercase hex SHA-256 of Serialize.
func (e Event) ComputeID() string {
	h := sha256.Sum256(e.Serialize())
	return hex.EncodeToString(h[:])
}

// Marshal returns the event JSON in wire order, as JSON.stringify writes it
// (nil tags as []).
func (e Event) Marshal() []byte {
	return jsjson.NewObject(256+tagsLen(e.Tags)+len(e.Content)).Int("kind", int64(e.Kind)).
		String("content", e.Content).String("pubkey", e.PubKey).Int("created_at", e.CreatedAt).
		Raw("tags", AppendTags(nil, e.Tags)).String("id", e.ID).String("sig", e.Sig).Bytes()
}

// AppendTags appends tags as JSON.stringify writes an array of arrays of
// strings ([] for nil).
func AppendTags(b []byte, tags [][]string) []byte {
	return jsjson.AppendArray(b, tags, func(b []byte, tag []string) []byte {
		return jsjson.AppendArray(b, tag, jsjson.AppendString)
	})
}

// tagsLen estimates the encoded size of tags, for a buffer's capacity.
func tagsLen(tags [][]string) int {
	n := 2
	for _, t := range tags {
		n += 3
		for _, v := range t {
			n += len(v) + 3
		}
	}
	return n
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
	secret    secretKey
	PublicKey string
}

// NewKeys returns a fresh random key pair.
func NewKeys() Keys {
	k, err := newSecret()
	if err != nil {
		panic("nip01: key generation failed: " + err.Error())
	}
	return k
}

// KeysFromSecret returns the key pair of a 64-hex secret key.
func KeysFromSecret(secretHex string) (Keys, error) {
	b, err := hex.DecodeString(secretHex)
	if err != nil || len(b) != 32 {
		return Keys{}, errors.New("nip01: secret key must be 64 hex characters")
	}
	k, ok := secretFrom(b)
	if !ok {
		return Keys{}, errors.New("nip01: secret key out of range")
	}
	return k, nil
}

// Sign sets e.PubKey, e.ID and e.Sig (BIP-340 over the id).
func (k Keys) Sign(e *Event) error {
	if !representable(*e) {
		return fmt.Errorf("%w: not representable as a JS string", ErrEventShape)
	}
	e.PubKey = k.PublicKey
	id := e.ComputeID()
	h, _ := hex.DecodeString(id)
	sig, err := sign(k.secret, h)
	if err != nil {
		return fmt.Errorf("nip01: sign: %w", err)
	}
	e.ID, e.Sig = id, hex.EncodeToString(sig)
	return nil
}

// representable reports whether every string of e is valid UTF-8: a JS
// string cannot hold anything else, so no JS peer could check its id.
func representable(e Event) bool {
	if !utf8.ValidString(e.Content) {
		return false
	}
	for _, t := range e.Tags {
		for _, v := range t {
			if !utf8.ValidString(v) {
				return false
			}
		}
	}
	return true
}

// Verify checks the shape of e, that its id is the hash of its content and
// that sig is pubkey's BIP-340 signature of the id (NIP-01).
func (e Event) Verify() error {
	if !isHex(e.ID, 64) || !isHex(e.PubKey, 64) || !isHex(e.Sig, 128) {
		return fmt.Errorf("%w: id, pubkey and sig must be lowercase hex of 32, 32 and 64 bytes", ErrEventShape)
	}
	id := e.ComputeID()
	if id != e.ID {
		return ErrEventID
	}
	pkb, _ := hex.DecodeString(e.PubKey)
	sigb, _ := hex.DecodeString(e.Sig)
	h, _ := hex.DecodeString(id)
	if !verify(pkb, h, sigb) {
		return ErrSignature
	}
	return nil
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
