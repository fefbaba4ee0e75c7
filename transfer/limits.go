package transfer

// Default receive limits, used where a Limits field is zero or
// negative.
const (
	// DefaultMaxPending: 256 transmissions in flight per peer, the size of
	// one 0.18 action's nonce space (protocol-0.18 §5.5): more concurrent sends
	// of one action would collide anyway.
	DefaultMaxPending = 256
	// DefaultMaxBytes: 256 MiB buffered per peer, enough for large files
	// while bounding what one peer can make us hold.
	DefaultMaxBytes int64 = 256 << 20
	// DefaultMaxRoomBytes: 512 MiB buffered for all the peers of a room
	// together, so that many peers cannot multiply the per-peer budget.
	DefaultMaxRoomBytes int64 = 512 << 20
)

// Limits bound what remote peers can make a room buffer while their
// messages arrive (docs/reliability.md, "Budgets and hostile input"). Zero
// (or negative) fields take the documented defaults. Sizes count payload
// bytes (data plus metadata). Memory use follows them closely: a pending
// transmission holds less than one spare 1 MiB block beyond what it counts,
// and a message larger than 1 MiB is copied once into its final slice when
// its last chunk arrives.
//
// A peer that would exceed MaxPending or MaxBytes, or that holds the most
// when the room's MaxRoomBytes is full, is disconnected (one log line); the
// other peers are unaffected. A message over MaxMessage, when that is below
// MaxBytes, is dropped alone and the peer stays.
type Limits struct {
	MaxPending   int   // transmissions in flight per peer; default DefaultMaxPending
	MaxBytes     int64 // bytes buffered per peer, all transmissions; default DefaultMaxBytes
	MaxMessage   int64 // bytes of one transmission; default MaxBytes
	MaxRoomBytes int64 // bytes buffered for all peers of a room; default DefaultMaxRoomBytes, at least MaxBytes
}

// WithDefaults returns l with zero or negative fields replaced by defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxPending <= 0 {
		l.MaxPending = DefaultMaxPending
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxMessage <= 0 || l.MaxMessage > l.MaxBytes {
		l.MaxMessage = l.MaxBytes
	}
	if l.MaxRoomBytes <= 0 {
		l.MaxRoomBytes = DefaultMaxRoomBytes
	}
	if l.MaxRoomBytes < l.MaxBytes {
		l.MaxRoomBytes = l.MaxBytes
	}
	return l
}
