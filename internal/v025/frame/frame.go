// Package frame is the outer layer of every data-channel message in
// Trystero 0.25 (protocol-0.25 §7): room frames, which carry one action
// chunk labelled with the token of its room, and presence frames, which say
// that the sender joined or left a room. They let the rooms of one appId
// share a single connection per remote peer.
package frame

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// Frame types: the first byte of every message (protocol-0.25 §7).
const (
	TypeRoom     byte = 1
	TypePresence byte = 2
)

// maxToken is the longest token the 2-byte length field can describe.
const maxToken = 0xFFFF

// Errors of Parse. Trystero drops such messages silently; posthorn reports
// why.
var (
	// ErrType: the first byte is neither 1 nor 2 (a 0.18 chunk, for one).
	ErrType = errors.New("frame: not a room or presence frame")
	// ErrTruncated: the message ends before its token does.
	ErrTruncated = errors.New("frame: truncated frame")
	// ErrEmptyToken: the token length is zero.
	ErrEmptyToken = errors.New("frame: empty room token")
	// ErrPresence: a presence frame's state byte is neither 0 nor 1.
	ErrPresence = errors.New("frame: presence state is neither 0 nor 1")
)

// Token is the room token that labels a room's frames: the lowercase hex
// SHA-256 of "Trystero:" + appID + ":" + roomID, 64 characters
// (protocol-0.25 §3.2).
func Token(appID, roomID string) string {
	sum := sha256.Sum256([]byte("Trystero:" + appID + ":" + roomID))
	return hex.EncodeToString(sum[:])
}

// Frame is one parsed data-channel message.
type Frame struct {
	// Type is TypeRoom or TypePresence.
	Type byte
	// Token is the room token, as the bytes on the wire.
	Token string
	// Present is a presence frame's state: joined (true) or left.
	Present bool
	// Chunk is a room frame's action chunk (chunk.Framing025); it aliases
	// the slice given to Parse.
	Chunk []byte
}

// RoomOverhead is how many bytes a room frame adds to a chunk: 3 plus the
// token, 67 for Token's (protocol-0.25 §7).
func RoomOverhead(token string) int { return 3 + len(token) }

// checkToken reports whether token can be framed.
func checkToken(token string) error {
	if token == "" {
		return ErrEmptyToken
	}
	if len(token) > maxToken {
		return fmt.Errorf("frame: room token of %d bytes, limit %d", len(token), maxToken)
	}
	return nil
}

// AppendRoom appends the room frame of chunk to dst:
// 01 ‖ u16 len(token) ‖ token ‖ chunk (protocol-0.25 §7).
func AppendRoom(dst []byte, token string, chunk []byte) ([]byte, error) {
	if err := checkToken(token); err != nil {
		return dst, err
	}
	dst = append(dst, TypeRoom, byte(len(token)>>8), byte(len(token)))
	dst = append(dst, token...)
	return append(dst, chunk...), nil
}

// AppendPresence appends a presence frame to dst:
// 02 ‖ 01 (present) or 00 (absent) ‖ u16 len(token) ‖ token
// (protocol-0.25 §7).
func AppendPresence(dst []byte, token string, present bool) ([]byte, error) {
	if err := checkToken(token); err != nil {
		return dst, err
	}
	var state byte
	if present {
		state = 1
	}
	dst = append(dst, TypePresence, state, byte(len(token)>>8), byte(len(token)))
	return append(dst, token...), nil
}

// Parse reads one data-channel message (protocol-0.25 §7). It does not
// copy: Frame.Chunk aliases b.
func Parse(b []byte) (Frame, error) {
	if len(b) == 0 {
		return Frame{}, fmt.Errorf("%w: empty message", ErrTruncated)
	}
	switch b[0] {
	case TypeRoom:
		tok, rest, err := token(b[1:])
		if err != nil {
			return Frame{}, err
		}
		return Frame{Type: TypeRoom, Token: tok, Chunk: rest}, nil
	case TypePresence:
		if len(b) < 2 {
			return Frame{}, fmt.Errorf("%w: presence frame of %d bytes", ErrTruncated, len(b))
		}
		if b[1] > 1 {
			return Frame{}, fmt.Errorf("%w: 0x%02x", ErrPresence, b[1])
		}
		tok, rest, err := token(b[2:])
		if err != nil {
			return Frame{}, err
		}
		if len(rest) != 0 {
			return Frame{}, fmt.Errorf("frame: %d bytes after a presence frame's token", len(rest))
		}
		return Frame{Type: TypePresence, Token: tok, Present: b[1] == 1}, nil
	}
	return Frame{}, fmt.Errorf("%w: first byte 0x%02x", ErrType, b[0])
}

// token reads u16 length ‖ token from b and returns the rest.
func token(b []byte) (string, []byte, error) {
	if len(b) < 2 {
		return "", nil, fmt.Errorf("%w: no token length", ErrTruncated)
	}
	n := int(b[0])<<8 | int(b[1])
	if n == 0 {
		return "", nil, ErrEmptyToken
	}
	if len(b) < 2+n {
		return "", nil, fmt.Errorf("%w: token of %d bytes, %d left", ErrTruncated, n, len(b)-2)
	}
	return string(b[2 : 2+n]), b[2+n:], nil
}
