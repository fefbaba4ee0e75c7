// Package crypt implements the signalling encryption of both Trystero
// profiles: for 0.18 (CBC) the optional SDP encryption of protocol-0.18 §3,
// AES-256-CBC with PKCS#7 padding, a random 16-byte IV per message, and a
// JSON envelope {"c":"<base64>","iv":[16 ints]}; for 0.25 (GCM) the
// always-on AES-256-GCM of protocol-0.25 §3.1, with a 16-byte IV and the
// envelope "i,…,i$<base64>".
package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var (
	// ErrDecrypt means an envelope could not be decrypted: almost always a
	// password that differs from the sender's.
	ErrDecrypt = errors.New("crypt: decryption failed (wrong password?)")
	// ErrEnvelope means the input is not a well-formed 0.18 envelope.
	ErrEnvelope = errors.New("crypt: malformed envelope")
)

// ivLen is the AES block size; WebCrypto's AES-CBC takes a 16-byte IV (protocol-0.18 §3).
const ivLen = aes.BlockSize

// CBC encrypts and decrypts SDP envelopes for one room. It is safe for
// concurrent use.
type CBC struct {
	block cipher.Block
}

// Key returns the raw AES-256 key SHA-256(password + ":" + roomID). The appId
// is not part of it (protocol-0.18 §3, verified against 018-crypto.json).
func Key(password, roomID string) []byte {
	sum := sha256.Sum256([]byte(password + ":" + roomID))
	return sum[:]
}

// NewCBC returns the cipher for a room's password.
func NewCBC(password, roomID string) *CBC {
	block, err := aes.NewCipher(Key(password, roomID))
	if err != nil { // a 32-byte key cannot fail
		panic("crypt: " + err.Error())
	}
	return &CBC{block: block}
}

// Encrypt returns the envelope of plain under a fresh random IV.
func (c *CBC) Encrypt(plain string) (string, error) {
	var iv [ivLen]byte
	if _, err := rand.Read(iv[:]); err != nil {
		return "", fmt.Errorf("crypt: reading random IV: %w", err)
	}
	return c.encryptIV(plain, iv), nil
}

func (c *CBC) encryptIV(plain string, iv [ivLen]byte) string {
	pad := ivLen - len(plain)%ivLen // PKCS#7: always 1..16 bytes of padding
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(c.block, iv[:]).CryptBlocks(buf, buf)
	return formatEnvelope(buf, iv)
}

// formatEnvelope writes the envelope with members in JS's order, c then iv.
func formatEnvelope(ct []byte, iv [ivLen]byte) string {
	var b strings.Builder
	b.WriteString(`{"c":"`)
	b.WriteString(base64.StdEncoding.EncodeToString(ct))
	b.WriteString(`","iv":[`)
	for i, v := range iv {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(v)))
	}
	b.WriteString("]}")
	return b.String()
}

// Decrypt opens an envelope. Errors wrap ErrEnvelope or ErrDecrypt.
func (c *CBC) Decrypt(envelope string) (string, error) {
	var env struct {
		C  *string `json:"c"`
		IV []int   `json:"iv"`
	}
	if err := json.Unmarshal([]byte(envelope), &env); err != nil {
		return "", fmt.Errorf("%w: %v", ErrEnvelope, err)
	}
	if env.C == nil || len(env.IV) != ivLen {
		return "", fmt.Errorf("%w: want c and a %d-byte iv", ErrEnvelope, ivLen)
	}
	var iv [ivLen]byte
	for i, v := range env.IV {
		if v < 0 || v > 255 {
			return "", fmt.Errorf("%w: iv byte %d out of range", ErrEnvelope, v)
		}
		iv[i] = byte(v)
	}
	ct, err := base64.StdEncoding.DecodeString(*env.C)
	if err != nil {
		return "", fmt.Errorf("%w: base64: %v", ErrEnvelope, err)
	}
	if len(ct) == 0 || len(ct)%ivLen != 0 {
		return "", fmt.Errorf("%w: ciphertext of %d bytes", ErrDecrypt, len(ct))
	}
	cipher.NewCBCDecrypter(c.block, iv[:]).CryptBlocks(ct, ct)
	pad := int(ct[len(ct)-1])
	if pad == 0 || pad > ivLen {
		return "", ErrDecrypt
	}
	for _, p := range ct[len(ct)-pad:] {
		if int(p) != pad {
			return "", ErrDecrypt
		}
	}
	return string(ct[:len(ct)-pad]), nil
}
