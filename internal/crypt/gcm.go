package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// gcmNonceLen is the IV size Trystero 0.25 uses with AES-GCM: 16 bytes, not
// the customary 12 (protocol-0.25 §3.1, §14.1).
const gcmNonceLen = 16

// gcmTagLen is WebCrypto's default AES-GCM tag, appended to the ciphertext.
const gcmTagLen = 16

// maxEnvelope bounds the envelope text Decrypt accepts: far above any SDP
// or candidate, far below what a relay could make us allocate.
const maxEnvelope = 1 << 20

// KeyGCM returns the raw AES-256 key of a Trystero 0.25 room:
// SHA-256(password + ":" + appID + ":" + roomID). Without a password the
// password is "", so the key always exists (protocol-0.25 §3.1, §14.1).
func KeyGCM(password, appID, roomID string) []byte {
	sum := sha256.Sum256([]byte(password + ":" + appID + ":" + roomID))
	return sum[:]
}

// GCM encrypts and decrypts the signalling payloads of one 0.25 room: SDP
// texts and candidate JSON, always, with or without a password
// (protocol-0.25 §3.1). It is safe for concurrent use.
type GCM struct {
	aead cipher.AEAD
}

// NewGCM returns the cipher for a room's password ("" for none).
func NewGCM(password, appID, roomID string) *GCM {
	block, err := aes.NewCipher(KeyGCM(password, appID, roomID))
	if err != nil { // a 32-byte key cannot fail
		panic("crypt: " + err.Error())
	}
	aead, err := cipher.NewGCMWithNonceSize(block, gcmNonceLen)
	if err != nil { // 16 is a valid nonce size
		panic("crypt: " + err.Error())
	}
	return &GCM{aead: aead}
}

// Encrypt returns the envelope of plain under a fresh random IV:
// "i,i,…,i$base64(ciphertext‖tag)" (protocol-0.25 §3.1).
func (g *GCM) Encrypt(plain string) (string, error) {
	var iv [gcmNonceLen]byte
	if _, err := rand.Read(iv[:]); err != nil {
		return "", fmt.Errorf("crypt: reading random IV: %w", err)
	}
	return g.encryptIV(plain, iv), nil
}

func (g *GCM) encryptIV(plain string, iv [gcmNonceLen]byte) string {
	ct := g.aead.Seal(nil, iv[:], []byte(plain), nil)
	var b strings.Builder
	b.Grow(4*gcmNonceLen + 1 + base64.StdEncoding.EncodedLen(len(ct)))
	for i, v := range iv {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(v)))
	}
	b.WriteByte('$')
	b.WriteString(base64.StdEncoding.EncodeToString(ct))
	return b.String()
}

// Decrypt opens an envelope. A malformed envelope gives an error wrapping
// ErrEnvelope; one that does not authenticate under this room's key (almost
// always another password) wraps ErrDecrypt.
func (g *GCM) Decrypt(envelope string) (string, error) {
	if len(envelope) > maxEnvelope {
		return "", fmt.Errorf("%w: %d bytes, limit %d", ErrEnvelope, len(envelope), maxEnvelope)
	}
	ivText, ctText, ok := strings.Cut(envelope, "$")
	if !ok {
		return "", fmt.Errorf("%w: no '$' between IV and ciphertext", ErrEnvelope)
	}
	iv, err := parseIV(ivText)
	if err != nil {
		return "", err
	}
	ct, err := base64.StdEncoding.DecodeString(ctText)
	if err != nil {
		return "", fmt.Errorf("%w: base64: %v", ErrEnvelope, err)
	}
	if len(ct) < gcmTagLen {
		return "", fmt.Errorf("%w: %d bytes of ciphertext, shorter than the tag", ErrEnvelope, len(ct))
	}
	plain, err := g.aead.Open(ct[:0], iv[:], ct, nil)
	if err != nil {
		return "", ErrDecrypt
	}
	return string(plain), nil
}

// parseIV reads the 16 comma-separated decimal IV bytes.
func parseIV(s string) (iv [gcmNonceLen]byte, err error) {
	parts := strings.Split(s, ",")
	if len(parts) != gcmNonceLen {
		return iv, fmt.Errorf("%w: IV has %d numbers, want %d", ErrEnvelope, len(parts), gcmNonceLen)
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 8)
		if err != nil {
			return iv, fmt.Errorf("%w: IV byte %d is %q", ErrEnvelope, i, p)
		}
		iv[i] = byte(n)
	}
	return iv, nil
}
