package chunk

import (
	"fmt"

	"github.com/posthorn/posthorn/transfer"
)

// Framing describes the byte layout of one action chunk. It is the protocol
// profile seam: 0.18 and 0.25 differ only in these parameters (protocol-0.25 §8).
//
//	offset            size       field
//	0                 TypeLen    action name, UTF-8, right-padded with 0x00
//	TypeLen           NonceLen   nonce, big-endian
//	TypeLen+NonceLen  1          tag (isLast 0x01, isMeta 0x02, isBinary 0x04, isJson 0x08)
//	+1                1          progress = round((i+1)/total × 255)
//	HeaderLen()       ≤ MaxPayload()  payload
type Framing struct {
	// TypeLen is the size of the action-name field and the longest allowed
	// name in UTF-8 bytes.
	TypeLen int
	// NonceLen is the size of the big-endian nonce field, 1 to 4 bytes; the
	// nonce wraps modulo 2^(8·NonceLen).
	NonceLen int
	// ChunkSize is the maximum size of a whole chunk, header included.
	ChunkSize int
	// MetaAnyKind allows metadata with every kind of data and delivers it with
	// every kind (0.25, protocol-0.25 §8). When false (0.18, protocol-0.18 §5.3)
	// metadata is only accepted with binary data, and only delivered with it.
	MetaAnyKind bool
}

// Framing018 is Trystero 0.18's layout as Trystero itself sends it: a
// 12-byte type (typeByteLimit in room.js), a 1-byte nonce and 16 KiB chunks,
// so 15 header bytes and at most 16369 payload bytes per chunk
// (protocol-0.18 §5.1). posthorn sends larger chunks in the same layout
// (Framing018Send).
var Framing018 = Framing{TypeLen: 12, NonceLen: 1, ChunkSize: 16384}

// Framing018Send is the layout posthorn sends in 0.18 rooms: Framing018 with
// chunks of up to 256 KiB. No chunk carries its own length, and a 0.18
// receiver (room.js handleData, and Reassembler) appends payloads of any size
// until the last flag, so sixteen times fewer messages move the same bytes at
// less CPU per byte (protocol-0.18 §5.1; docs/benchmarks.md measured 64 and
// 256 KiB). 256 KiB is the max-message-size Chromium advertises and the
// largest it sends; Firefox and pion accept 1 GiB. A sender cuts smaller for
// a peer that accepts less (Transmission.Rechunk).
var Framing018Send = Framing018.WithChunkSize(256 << 10)

// Framing025 is the action-chunk layout of Trystero 0.25 (protocol-0.25 §8): a
// 32-byte type, a 2-byte big-endian nonce, 16 KiB chunks (36 header bytes,
// at most 16348 payload bytes) and metadata allowed with any data. The outer
// room frame of protocol-0.25 §7 is not part of this package.
var Framing025 = Framing{TypeLen: 32, NonceLen: 2, ChunkSize: 16384, MetaAnyKind: true}

// Tag bits, protocol-0.18 §5.2 (identical in protocol-0.25 §8).
const (
	TagLast   byte = 0x01 // isLast: the last chunk of the transmission
	TagMeta   byte = 0x02 // isMeta: the chunk carries the metadata JSON
	TagBinary byte = 0x04 // isBinary: the payload is binary
	TagJSON   byte = 0x08 // isJson: the payload is not a JS string (also set for binary)

	// tagReserved are bits 4–7, always zero on the wire (protocol-0.18 §5.2).
	tagReserved byte = 0xF0
)

// tagBits returns the isBinary/isJson bits every chunk of a transmission of
// kind k carries. Binary sets isJson too: a 0.18 quirk, since JS computes
// isJson as typeof data !== 'string' (protocol-0.18 §5.2).
func tagBits(k transfer.Kind) byte {
	switch k {
	case transfer.KindJSON:
		return TagJSON
	case transfer.KindBinary:
		return TagBinary | TagJSON
	}
	return 0
}

// kindOf maps a chunk's tag to a Kind the way the JS receiver does: isBinary
// wins, then isJson, else string (protocol-0.18 §5.4 step 5).
func kindOf(tag byte) transfer.Kind {
	switch {
	case tag&TagBinary != 0:
		return transfer.KindBinary
	case tag&TagJSON != 0:
		return transfer.KindJSON
	}
	return transfer.KindString
}

// WithChunkSize returns f with chunks of at most n bytes, header included.
func (f Framing) WithChunkSize(n int) Framing {
	f.ChunkSize = n
	return f
}

// HeaderLen is the number of header bytes before the payload: type, nonce,
// tag and progress (15 for 0.18, protocol-0.18 §5.1).
func (f Framing) HeaderLen() int { return f.TypeLen + f.NonceLen + 2 }

// MaxPayload is the largest payload of one chunk (16369 for 0.18).
func (f Framing) MaxPayload() int { return f.ChunkSize - f.HeaderLen() }

// NonceMask is the largest nonce value; nonces wrap modulo NonceMask+1
// (255 for 0.18, protocol-0.18 §5.5; 65535 for 0.25).
func (f Framing) NonceMask() uint32 {
	if f.NonceLen >= 4 {
		return 0xFFFFFFFF
	}
	return 1<<(8*uint(f.NonceLen)) - 1
}

func (f Framing) tagIndex() int      { return f.TypeLen + f.NonceLen }
func (f Framing) progressIndex() int { return f.TypeLen + f.NonceLen + 1 }

// Validate reports whether f describes a usable layout.
func (f Framing) Validate() error {
	if f.TypeLen < 1 || f.NonceLen < 1 || f.NonceLen > 4 || f.MaxPayload() < 1 {
		return fmt.Errorf("%w: %+v", ErrFraming, f)
	}
	return nil
}

// putNonce writes nonce (already masked) big-endian into dst[:NonceLen].
func (f Framing) putNonce(dst []byte, nonce uint32) {
	for i := f.NonceLen - 1; i >= 0; i-- {
		dst[i] = byte(nonce)
		nonce >>= 8
	}
}

// nonceAt reads the big-endian nonce from src[:NonceLen].
func (f Framing) nonceAt(src []byte) uint32 {
	var n uint32
	for _, b := range src[:f.NonceLen] {
		n = n<<8 | uint32(b)
	}
	return n
}
