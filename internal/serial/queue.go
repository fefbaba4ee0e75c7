// Package serial runs work strictly in order on at most one goroutine at a
// time, without ever blocking the caller that hands it in.
package serial

import "sync"

// Queue delivers items to one handler, strictly in push order, on at most one
// goroutine at a time. push never blocks, so it is safe inside browser
// callbacks (syscall/js must not block). Items pushed before a handler is set
// are kept and replayed when it is set: this is the early-data buffer of
// protocol-0.18 §4.4 and the buffer for signals emitted before OnSignal.
// The zero Queue is not usable: make one with New.
type Queue[T any] struct {
	mu      sync.Mutex
	cond    *sync.Cond // signalled when items are taken or the queue unblocks
	items   []T
	head    int
	h       func(T)
	running bool

	size    func(T) int // bytes per item, for Wait; nil = no accounting
	bytes   int
	noBlock bool // set by unblock: wait returns at once from then on
}

// New returns a Queue that delivers to h; nil h holds items until SetHandler.
func New[T any](h func(T)) *Queue[T] {
	q := &Queue[T]{h: h}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Push appends v and starts a drainer if a handler is set. It never blocks.
func (q *Queue[T]) Push(v T) {
	q.mu.Lock()
	q.items = append(q.items, v)
	if q.size != nil {
		q.bytes += q.size(v)
	}
	q.kickLocked()
	q.mu.Unlock()
}

// Wait blocks while more than limit bytes are queued, until the queue drains
// or Unblock is called. Only for callers that may block (pion's native read
// loop), which turns a slow consumer into SCTP backpressure.
func (q *Queue[T]) Wait(limit int) {
	q.mu.Lock()
	for q.bytes > limit && !q.noBlock {
		q.cond.Wait()
	}
	q.mu.Unlock()
}

// Unblock releases waiters for good (the peer is closing).
func (q *Queue[T]) Unblock() {
	q.mu.Lock()
	q.noBlock = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// SetHandler installs h (nil pauses delivery) and replays what is queued.
func (q *Queue[T]) SetHandler(h func(T)) {
	q.mu.Lock()
	q.h = h
	q.kickLocked()
	q.mu.Unlock()
}

func (q *Queue[T]) kickLocked() {
	if q.h != nil && !q.running && q.head < len(q.items) {
		q.running = true
		go q.drain()
	}
}

func (q *Queue[T]) drain() {
	q.mu.Lock()
	for q.h != nil && q.head < len(q.items) {
		v := q.items[q.head]
		var zero T
		q.items[q.head] = zero
		q.head++
		if q.head == len(q.items) {
			q.items, q.head = q.items[:0], 0
		} else if q.head > 64 && q.head*2 > len(q.items) {
			n := copy(q.items, q.items[q.head:])
			clear(q.items[n:])
			q.items, q.head = q.items[:n], 0
		}
		if q.size != nil {
			q.bytes -= q.size(v)
			q.cond.Broadcast()
		}
		h := q.h
		q.mu.Unlock()
		h(v)
		q.mu.Lock()
	}
	q.running = false
	q.mu.Unlock()
}

// Idle reports whether no item is queued or being delivered: a caller that
// then does what the handler would do overtakes nothing pushed before.
func (q *Queue[T]) Idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return !q.running && q.head == len(q.items)
}

// Len reports how many items wait for delivery.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}

// CountBytes makes the queue count size(item) bytes per queued item, for
// Wait. Call it before the first Push.
func (q *Queue[T]) CountBytes(size func(T) int) {
	q.mu.Lock()
	q.size = size
	q.mu.Unlock()
}
