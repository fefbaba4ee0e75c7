package chunk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/posthorn/posthorn/internal/jstext"
	"github.com/posthorn/posthorn/transfer"
)

// Progress is reported for every chunk accepted by Push (protocol-0.18 §5.4
// step 4).
type Progress struct {
	Action string
	Nonce  uint32
	Value  uint8           // raw progress byte of the chunk
	Meta   json.RawMessage // metadata known so far, nil if none; do not modify
}

// Fraction is Value/255, the number JS passes to onProgress.
func (p Progress) Fraction() float64 { return float64(p.Value) / 255 }

type transmissionKey struct {
	action string
	nonce  uint32
}

type pendingTransmission struct {
	bits byte // isBinary|isJson bits every chunk must carry
	data payloadBuffer
	meta json.RawMessage
	size int64 // len(data)+len(meta), counted in Reassembler.buffered
}

// Reassembler rebuilds messages from the chunks of one remote peer
// (protocol-0.18 §5.4). Pending transmissions are keyed by (action, nonce); the
// peer is implicit, so use one Reassembler per peer and Reset it when the
// peer goes away. It is safe for concurrent use, but chunks must be pushed in
// arrival order.
//
// The caller checks that Chunk.Type is a registered action before Push; JS
// drops chunks of unregistered types without buffering them (§5.4 step 2).
//
// Where JS is sloppy, the Reassembler is strict but never delivers something
// JS would not: JS keeps no limits; on a meta chunk that is not JSON it logs
// and carries on without metadata (never completing a 0x0F chunk), while the
// Reassembler drops the transmission; JS ignores isBinary/isJson changes
// between chunks (the last chunk's flags win), the Reassembler drops the
// transmission; for an isJson message that is not JSON, JS reports the last
// progress and then throws, the Reassembler reports neither.
type Reassembler struct {
	mu       sync.Mutex
	f        Framing
	lim      transfer.Limits
	pending  map[transmissionKey]*pendingTransmission
	buffered int64
	shared   *Budget // nil: none (Share)
	// dropped holds transmissions dropped before their last chunk, so that
	// their remaining chunks are discarded instead of forming a truncated
	// message. At most lim.MaxPending entries; the oldest is forgotten first.
	dropped map[transmissionKey]uint64
	seq     uint64
}

// NewReassembler returns an empty Reassembler for framing f and limits l
// (zero fields take defaults). With f.MetaAnyKind false (0.18), metadata is
// delivered with binary messages only.
func NewReassembler(f Framing, l transfer.Limits) *Reassembler {
	return &Reassembler{
		f:       f,
		lim:     l.WithDefaults(),
		pending: make(map[transmissionKey]*pendingTransmission),
		dropped: make(map[transmissionKey]uint64),
	}
}

// Share makes r count what it buffers against b too, a budget shared with
// other Reassemblers (a room's peers). Call it before the first Push.
func (r *Reassembler) Share(b *Budget) {
	r.mu.Lock()
	r.shared = b
	r.mu.Unlock()
}

// Push adds one chunk. If err is nil, prog is the progress to report; if the
// chunk completed a transmission, msg is the message too (report progress
// first, as JS does). msg owns its Data.
//
// On error nothing is reported and the chunk's transmission is dropped:
// ErrTooManyPending, ErrOverBudget, ErrTooLarge, ErrInconsistent, ErrBadMeta
// (invalid metadata JSON), ErrBadJSON (an isJson message that is not JSON).
// Chunks that arrive later for a dropped transmission give ErrDiscarded, up
// to and including its last chunk. Other transmissions are unaffected. The
// exception is ErrRoomBudget: the shared budget (Share) is full, and the
// chunk was not taken, nothing was dropped; the caller may free budget
// elsewhere and push the chunk again.
func (r *Reassembler) Push(c Chunk) (msg *transfer.Message, prog Progress, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	k := transmissionKey{c.Type, c.Nonce}
	if _, ok := r.dropped[k]; ok {
		if c.Last {
			delete(r.dropped, k)
		}
		return nil, Progress{}, r.errorf(ErrDiscarded, k)
	}

	bits := c.Tag() & (TagBinary | TagJSON)
	p := r.pending[k]
	fresh := p == nil
	if fresh {
		if !c.Last && len(r.pending) >= r.lim.MaxPending {
			r.drop(k, c.Last)
			return nil, Progress{}, r.errorf(ErrTooManyPending, k)
		}
		p = &pendingTransmission{bits: bits}
	} else if p.bits != bits {
		r.drop(k, c.Last)
		return nil, Progress{}, r.errorf(ErrInconsistent, k)
	}

	if c.Meta {
		// A meta chunk sets the metadata, JSON-parsed (§5.4 step 3). A later
		// meta chunk replaces it, as in JS.
		m := jstext.StripBOM(c.Payload)
		if !json.Valid(m) {
			r.drop(k, c.Last)
			return nil, Progress{}, r.errorf(transfer.ErrBadMeta, k)
		}
		grow := int64(len(m) - len(p.meta))
		if err := r.fit(p, grow); err != nil {
			if err != ErrRoomBudget {
				r.drop(k, c.Last)
			}
			return nil, Progress{}, r.errorf(err, k)
		}
		p.meta = bytes.Clone(m)
		p.size += grow
		r.buffered += grow
	} else {
		n := int64(len(c.Payload))
		if err := r.fit(p, n); err != nil {
			if err != ErrRoomBudget {
				r.drop(k, c.Last)
			}
			return nil, Progress{}, r.errorf(err, k)
		}
		p.data.append(c.Payload)
		p.size += n
		r.buffered += n
	}
	if fresh && !c.Last {
		r.pending[k] = p
	}
	prog = Progress{Action: c.Type, Nonce: c.Nonce, Value: c.Progress, Meta: p.meta}
	if !c.Last {
		return nil, prog, nil
	}

	// Last chunk: deliver (§5.4 step 5).
	delete(r.pending, k)
	r.shrink(p.size)
	kind := kindOf(bits)
	data := p.data.bytes()
	if kind == transfer.KindJSON && !json.Valid(jstext.StripBOM(data)) {
		return nil, Progress{}, r.errorf(transfer.ErrBadJSON, k)
	}
	msg = &transfer.Message{Action: c.Type, Kind: kind, Data: data}
	if kind == transfer.KindBinary || r.f.MetaAnyKind {
		msg.Meta = p.meta
	}
	return msg, prog, nil
}

// fit checks that n more bytes for p stay within the limits and takes
// them from the shared budget: ErrOverBudget past the peer's MaxBytes,
// ErrTooLarge past MaxMessage, ErrRoomBudget past the shared budget.
func (r *Reassembler) fit(p *pendingTransmission, n int64) error {
	switch {
	case r.buffered+n > r.lim.MaxBytes:
		return ErrOverBudget
	case p.size+n > r.lim.MaxMessage:
		return ErrTooLarge
	case r.shared != nil && n > 0 && !r.shared.reserve(n):
		return ErrRoomBudget
	case r.shared != nil && n < 0:
		r.shared.release(-n)
	}
	return nil
}

// shrink gives back n buffered bytes.
func (r *Reassembler) shrink(n int64) {
	r.buffered -= n
	if r.shared != nil {
		r.shared.release(n)
	}
}

// drop discards transmission k; unless the chunk at hand was its last, its
// remaining chunks are discarded too.
func (r *Reassembler) drop(k transmissionKey, last bool) {
	if p := r.pending[k]; p != nil {
		r.shrink(p.size)
		p.data.release()
		delete(r.pending, k)
	}
	if last {
		return
	}
	if len(r.dropped) >= r.lim.MaxPending {
		oldest, first := transmissionKey{}, true
		var min uint64
		for dk, s := range r.dropped {
			if first || s < min {
				oldest, min, first = dk, s, false
			}
		}
		delete(r.dropped, oldest)
	}
	r.seq++
	r.dropped[k] = r.seq
}

func (r *Reassembler) errorf(err error, k transmissionKey) error {
	return fmt.Errorf("%w (action %q, nonce %d)", err, k.action, k.nonce)
}

// Reset discards every partial transmission, e.g. when the peer has gone
// (protocol-0.18 §5.6: the partial transmission is discarded on disconnect).
func (r *Reassembler) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.pending {
		p.data.release()
	}
	clear(r.pending)
	clear(r.dropped)
	r.shrink(r.buffered)
}

// Pending is the number of transmissions in flight.
func (r *Reassembler) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// Buffered is the number of payload bytes held for pending transmissions.
func (r *Reassembler) Buffered() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buffered
}
