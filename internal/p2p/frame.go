package p2p

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrFrameSize reports a length-prefixed frame longer than the reader's
// bound.
var ErrFrameSize = errors.New("p2p: frame too long")

// WriteFrame writes b with its unsigned-varint length before it, in one
// Write (libp2p's length-prefixed framing: it-length-prefixed, pbio).
func WriteFrame(w io.Writer, b []byte) error {
	buf := make([]byte, 0, binary.MaxVarintLen64+len(b))
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	_, err := w.Write(append(buf, b...))
	return err
}

// ReadFrame reads one unsigned-varint-length-prefixed frame of at most max
// bytes. It reads byte by byte up to the frame's end, so r is left at the
// next frame.
func ReadFrame(r io.Reader, max int) ([]byte, error) {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = byteReader{r}
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("p2p: frame length: %w", err)
	}
	if n > uint64(max) {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrFrameSize, n, max)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("p2p: frame of %d bytes: %w", n, io.ErrUnexpectedEOF)
	}
	return b, nil
}

type byteReader struct{ r io.Reader }

func (b byteReader) ReadByte() (byte, error) {
	var c [1]byte
	_, err := io.ReadFull(b.r, c[:])
	return c[0], err
}
