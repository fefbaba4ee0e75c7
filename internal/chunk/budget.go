package chunk

import "sync/atomic"

// Budget is a byte budget that several Reassemblers share (a room's peers,
// transfer.Limits.MaxRoomBytes): together they buffer at most its size. The
// zero Budget is unusable; make one with NewBudget.
type Budget struct {
	size int64
	used atomic.Int64
}

// NewBudget returns a budget of size bytes.
func NewBudget(size int64) *Budget { return &Budget{size: size} }

// Used is the number of bytes the sharing Reassemblers hold.
func (b *Budget) Used() int64 { return b.used.Load() }

// Size is the budget's size in bytes.
func (b *Budget) Size() int64 { return b.size }

// reserve takes n bytes if they fit.
func (b *Budget) reserve(n int64) bool {
	for {
		u := b.used.Load()
		if u+n > b.size {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			return true
		}
	}
}

// release gives n bytes back.
func (b *Budget) release(n int64) { b.used.Add(-n) }
