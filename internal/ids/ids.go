// Package ids generates Trystero-style identifiers: selfId, torrent offer_id and
// nostr subscription ids (protocol-0.18 §2).
package ids

import (
	"crypto/rand"
	"math/big"
)

// Alphabet is the 62-character alphabet Trystero draws ids from, in Trystero's
// order (protocol-0.18 §2; the order does not matter on the wire). It contains no
// '/', so ids can be appended to topics and paths.
const Alphabet = "0123456789AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPpQqRrSsTtUuVvWwXxYyZz"

// SelfIDLen is the length of a peer id. Trackers require peer_id to be exactly
// 20 characters (protocol-0.18 §2, §7.1).
const SelfIDLen = 20

var alphabetLen = big.NewInt(int64(len(Alphabet)))

// New returns n characters drawn uniformly from Alphabet. Unlike Trystero,
// which uses Math.random, it uses crypto/rand.
func New(n int) string {
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, alphabetLen)
		if err != nil {
			panic("ids: crypto/rand failed: " + err.Error())
		}
		b[i] = Alphabet[k.Int64()]
	}
	return string(b)
}

// Valid reports whether id has SelfIDLen characters, all from Alphabet.
func Valid(id string) bool {
	if len(id) != SelfIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
