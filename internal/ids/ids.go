// Package ids generates Trystero-style identifiers: selfId, torrent offer_id and
// nostr subscription ids (protocol-0.18 §2).
package ids

import "crypto/rand"

// Alphabet is the 62-character alphabet Trystero draws ids from, in Trystero's
// order (protocol-0.18 §2; the order does not matter on the wire). It contains no
// '/', so ids can be appended to topics and paths.
const Alphabet = "0123456789AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPpQqRrSsTtUuVvWwXxYyZz"

// SelfIDLen is the length of a peer id. Trackers require peer_id to be exactly
// 20 characters (protocol-0.18 §2, §7.1).
const SelfIDLen = 20

// New returns n characters drawn uniformly from Alphabet. Unlike Trystero,
// which uses Math.random, it uses crypto/rand: random bytes below 248 (4 × 62)
// pick a character by their remainder mod 62, the others are drawn again.
// The bytes come in one read per round, not one per character: in the
// browser build each read is a call out to getRandomValues.
func New(n int) string {
	const limit = 256 - 256%len(Alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/16+1)
	for len(out) < n {
		rand.Read(buf) // never fails (crypto/rand's documentation)
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, Alphabet[int(c)%len(Alphabet)])
			}
		}
	}
	return string(out)
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
