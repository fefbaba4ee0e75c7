package chunk

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/posthorn/posthorn/transfer"
)

// Transmission is the sequence of chunks of one send (one action, one nonce).
// Chunks are built on demand from the caller's data, which Encode does not
// copy: the data and meta slices must not be modified until the transmission
// is no longer used.
//
// Next and Reset use an internal cursor and one reused buffer and are not safe
// for concurrent use. AppendChunk is read-only and may be called from several
// goroutines at once, e.g. one per target peer.
type Transmission struct {
	f      Framing
	action string
	header []byte // TypeLen padded name + nonce + tag/progress placeholders
	kind   transfer.Kind
	data   []byte
	meta   []byte // nil when the transmission has no meta chunk
	total  int
	next   int
	buf    []byte
}

// Encode validates one send and returns its chunks (protocol-0.18 §5.1–§5.3).
//
// data is the payload: UTF-8 text for KindString (sent as is), the JSON text
// for KindJSON (it must be valid JSON; use MarshalJSON to get
// JSON.stringify's form), raw bytes for KindBinary. meta, when non-empty, is
// the metadata as JSON text, sent as is in chunk 0. With 0.18 framing it must
// be an object or array and data must be binary; JSON null, false, 0 and ""
// count as no metadata, as they are falsy in JS. The metadata chunk is never
// split: like JS, it is the header plus the whole metadata even if that
// exceeds ChunkSize. nonce is reduced modulo 2^(8·NonceLen).
//
// The errors are transfer.ErrEmptyAction, *ActionNameError (ErrActionTooLong),
// transfer.ErrMetaNotObject, transfer.ErrMetaNotBinary, ErrBadMeta, ErrBadJSON, ErrKind and
// ErrFraming.
func (f Framing) Encode(action string, nonce uint32, kind transfer.Kind, data, meta []byte) (*Transmission, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if err := f.CheckAction(action); err != nil {
		return nil, err
	}
	if kind < transfer.KindString || kind > transfer.KindBinary {
		return nil, ErrKind
	}
	meta, err := f.checkMeta(kind, meta)
	if err != nil {
		return nil, err
	}
	if kind == transfer.KindJSON && !json.Valid(data) {
		return nil, transfer.ErrBadJSON
	}

	header := make([]byte, f.HeaderLen())
	copy(header, action)
	f.putNonce(header[f.TypeLen:], nonce&f.NonceMask())

	return &Transmission{f: f, action: action, header: header, kind: kind, data: data, meta: meta, total: f.total(data, meta)}, nil
}

// total is the number of chunks of data and meta: ceil(len/MaxPayload)
// (+1 with meta), and at least 1 (protocol-0.18 §5.3).
func (f Framing) total(data, meta []byte) int {
	total := (len(data) + f.MaxPayload() - 1) / f.MaxPayload()
	if meta != nil {
		total++
	}
	return max(total, 1)
}

// ChunkSize is the largest chunk of t (its Framing's ChunkSize); only a
// metadata chunk, never split, may be larger.
func (t *Transmission) ChunkSize() int { return t.f.ChunkSize }

// Rechunk returns the same transmission (action, nonce, kind, data and
// metadata) cut into chunks of at most size bytes, header included, for a
// peer that accepts no larger message. The receiver reassembles either cut
// alike, since no chunk carries its own length (protocol-0.18 §5.4); only the
// number of chunks and their progress bytes differ. It returns t itself when
// size is at least t's ChunkSize, and ErrFraming when size leaves no room for
// a payload byte. The result shares t's data: the same rules apply.
func (t *Transmission) Rechunk(size int) (*Transmission, error) {
	if size >= t.f.ChunkSize {
		return t, nil
	}
	f := t.f.WithChunkSize(size)
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &Transmission{f: f, action: t.action, header: t.header, kind: t.kind, data: t.data, meta: t.meta, total: f.total(t.data, t.meta)}, nil
}

// CheckAction reports whether action can be used as an action type: it must
// be non-empty (ErrEmptyAction) and at most TypeLen UTF-8 bytes
// (*ActionNameError), the checks makeAction does (protocol-0.18 §5.7).
func (f Framing) CheckAction(action string) error {
	if action == "" {
		return transfer.ErrEmptyAction
	}
	if len(action) > f.TypeLen {
		return &transfer.ActionNameError{Name: action, Bytes: len(action), Limit: f.TypeLen}
	}
	return nil
}

// checkMeta validates meta and returns it, or nil when there is no meta chunk.
func (f Framing) checkMeta(kind transfer.Kind, meta []byte) ([]byte, error) {
	if len(meta) == 0 {
		return nil, nil
	}
	trimmed := bytes.TrimSpace(meta)
	if !json.Valid(trimmed) {
		return nil, transfer.ErrBadMeta
	}
	if f.MetaAnyKind {
		// 0.25: hasMeta = metadata !== undefined; any JSON value (protocol-0.25 §8).
		return meta, nil
	}
	// 0.18 carries only an object or array, and only with binary data
	// (protocol-0.18 §5.3, §5.7). JS's falsy values, which Trystero takes for
	// "no metadata", are the JS API's business: here, bytes are metadata.
	if c := trimmed[0]; c != '{' && c != '[' {
		return nil, transfer.ErrMetaNotObject
	}
	if kind != transfer.KindBinary {
		return nil, transfer.ErrMetaNotBinary
	}
	return meta, nil
}

// Len is the number of chunks.
func (t *Transmission) Len() int { return t.total }

// Action is the action name.
func (t *Transmission) Action() string { return t.action }

// Nonce is the nonce every chunk carries.
func (t *Transmission) Nonce() uint32 { return t.f.nonceAt(t.header[t.f.TypeLen:]) }

// Kind is the kind of the data.
func (t *Transmission) Kind() transfer.Kind { return t.kind }

// HasMeta reports whether chunk 0 is a metadata chunk.
func (t *Transmission) HasMeta() bool { return t.meta != nil }

// Progress is the progress byte of chunk i: round((i+1)/total × 255),
// computed in float64 like JS's Math.round (ties up) (protocol-0.18 §5.1).
func (t *Transmission) Progress(i int) uint8 {
	return uint8(math.Round(float64(i+1) / float64(t.total) * 255))
}

// Next returns the next chunk, or ok=false after the last one. The returned
// slice is an internal buffer: it is valid only until the next call to Next
// or Reset. Writing it to a pion data channel is fine, as Send copies.
func (t *Transmission) Next() (chunk []byte, ok bool) {
	if t.next >= t.total {
		return nil, false
	}
	if t.buf == nil {
		t.buf = make([]byte, 0, t.f.HeaderLen()+t.maxChunkPayload())
	}
	t.buf = t.AppendChunk(t.buf[:0], t.next)
	t.next++
	return t.buf, true
}

// Reset rewinds the cursor so that Next starts again with chunk 0.
func (t *Transmission) Reset() { t.next = 0 }

// maxChunkPayload is the largest payload of any chunk of t.
func (t *Transmission) maxChunkPayload() int {
	return max(len(t.meta), min(len(t.data), t.f.MaxPayload()))
}

// AppendChunk appends chunk i (0 ≤ i < Len()) to dst and returns the result.
// It panics if i is out of range.
func (t *Transmission) AppendChunk(dst []byte, i int) []byte {
	if i < 0 || i >= t.total {
		panic("transfer: chunk index out of range")
	}
	last := i == t.total-1
	isMeta := t.meta != nil && i == 0
	tag := tagBits(t.kind)
	if last {
		tag |= TagLast
	}
	if isMeta {
		tag |= TagMeta
	}
	var payload []byte
	switch {
	case isMeta:
		payload = t.meta
	default:
		k := i
		if t.meta != nil {
			k--
		}
		lo := k * t.f.MaxPayload()
		payload = t.data[lo:min(lo+t.f.MaxPayload(), len(t.data))]
	}
	dst = append(dst, t.header[:t.f.tagIndex()]...)
	dst = append(dst, tag, t.Progress(i))
	return append(dst, payload...)
}
