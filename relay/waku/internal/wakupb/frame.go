package wakupb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrTooLarge is returned by ReadFrame for a frame over its limit.
var ErrTooLarge = errors.New("wakupb: frame too large")

// ReadFrame reads one unsigned-varint length-prefixed frame of at most max
// bytes. The length is checked before anything is allocated.
func ReadFrame(r *bufio.Reader, max int) ([]byte, error) {
	n, err := ReadLength(r, max)
	if err != nil {
		return nil, err
	}
	return ReadBody(r, n)
}

// ReadLength reads a frame's length prefix and checks it against max.
func ReadLength(r *bufio.Reader, max int) (int, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("%w: length prefix: %w", ErrMalformed, err)
	}
	if n > uint64(max) {
		return 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, max)
	}
	return int(n), nil
}

// ReadBody reads the n bytes of a frame after its length prefix.
func ReadBody(r *bufio.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%w: body: %w", ErrMalformed, err)
	}
	return b, nil
}

// AppendFrame appends msg with its length prefix.
func AppendFrame(b, msg []byte) []byte {
	b = protowire.AppendVarint(b, uint64(len(msg)))
	return append(b, msg...)
}
