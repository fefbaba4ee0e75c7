package chunk

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/posthorn/posthorn/internal/jstext"
	"github.com/posthorn/posthorn/transfer"
)

// Chunk is one parsed data-channel message (protocol-0.18 §5.1).
type Chunk struct {
	Type     string // action name: the type field decoded as UTF-8 with all NULs removed
	Nonce    uint32
	Last     bool  // tag isLast
	Meta     bool  // tag isMeta
	Binary   bool  // tag isBinary
	JSON     bool  // tag isJson
	Progress uint8 // raw progress byte; progress = Progress/255
	// Payload aliases the slice given to Parse.
	Payload []byte
}

// Kind is the kind the receiver delivers for this chunk's transmission:
// binary if isBinary, else JSON if isJson, else string (protocol-0.18 §5.4).
func (c Chunk) Kind() transfer.Kind { return kindOf(c.Tag()) }

// Tag is the tag byte the flags come from (protocol-0.18 §5.2).
func (c Chunk) Tag() byte {
	var t byte
	if c.Last {
		t |= TagLast
	}
	if c.Meta {
		t |= TagMeta
	}
	if c.Binary {
		t |= TagBinary
	}
	if c.JSON {
		t |= TagJSON
	}
	return t
}

// Parse splits one data-channel message into header fields and payload
// (protocol-0.18 §5.4 step 1). It is as lenient as the JS receiver: any payload
// size (even above ChunkSize) and any combination of the four tag bits is
// accepted, invalid UTF-8 in the type field becomes U+FFFD, and a type that is
// empty after removing NULs is returned as "" (JS would find no such action).
// It rejects what no Trystero peer produces: a message shorter than the header
// (ErrTruncated) and a tag with bits 4–7 set (ErrReservedBits).
//
// Parse does not copy: Chunk.Payload aliases b.
func (f Framing) Parse(b []byte) (Chunk, error) {
	if err := f.Validate(); err != nil {
		return Chunk{}, err
	}
	if len(b) < f.HeaderLen() {
		return Chunk{}, fmt.Errorf("%w: %d bytes, header is %d", ErrTruncated, len(b), f.HeaderLen())
	}
	tag := b[f.tagIndex()]
	if tag&tagReserved != 0 {
		return Chunk{}, fmt.Errorf("%w: tag 0x%02x", ErrReservedBits, tag)
	}
	return Chunk{
		Type:     decodeType(b[:f.TypeLen]),
		Nonce:    f.nonceAt(b[f.TypeLen:]),
		Last:     tag&TagLast != 0,
		Meta:     tag&TagMeta != 0,
		Binary:   tag&TagBinary != 0,
		JSON:     tag&TagJSON != 0,
		Progress: b[f.progressIndex()],
		Payload:  b[f.HeaderLen():],
	}, nil
}

// decodeType is JS's decodeBytes(typeField).replaceAll('\x00', ”): decode
// first (BOM dropped, U+FFFD for bad bytes), then remove every NUL.
func decodeType(field []byte) string {
	// Fast path: ASCII-ish name padded with trailing NULs only.
	n := bytes.IndexByte(field, 0)
	if n < 0 {
		n = len(field)
	}
	if trailingZero(field[n:]) && !bytes.HasPrefix(field, []byte(jstext.BOM)) && utf8.Valid(field[:n]) {
		return string(field[:n])
	}
	return strings.ReplaceAll(jstext.Decode(field), "\x00", "")
}

func trailingZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
