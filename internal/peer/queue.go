package peer

import "sync"

// queue delivers items to one handler, strictly in push order, on at most one
// goroutine at a time. push never blocks, so it is safe inside browser
// callbacks (syscall/js must not block). Items pushed before a handler is set
// are kept and replayed when it is set: this is the early-data buffer of
// wire-0.18 §4.4 and the buffer for signals emitted before OnSignal.
type queue[T any] struct {
	mu      sync.Mutex
	cond    *sync.Cond // signalled when items are taken or the queue unblocks
	items   []T
	head    int
	h       func(T)
	running bool

	size    func(T) int // bytes per item, for wait; nil = no accounting
	bytes   int
	noBlock bool // set by unblock: wait returns at once from then on
}

func newQueue[T any](h func(T)) *queue[T] {
	q := &queue[T]{h: h}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// push appends v and starts a drainer if a handler is set.
func (q *queue[T]) push(v T) {
	q.mu.Lock()
	q.items = append(q.items, v)
	if q.size != nil {
		q.bytes += q.size(v)
	}
	q.kickLocked()
	q.mu.Unlock()
}

// wait blocks while more than limit bytes are queued, until the queue drains
// or unblock is called. Only for callers that may block (pion's native read
// loop), which turns a slow consumer into SCTP backpressure.
func (q *queue[T]) wait(limit int) {
	q.mu.Lock()
	for q.bytes > limit && !q.noBlock {
		q.cond.Wait()
	}
	q.mu.Unlock()
}

// unblock releases waiters for good (the peer is closing).
func (q *queue[T]) unblock() {
	q.mu.Lock()
	q.noBlock = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// setHandler installs h (nil pauses delivery) and replays what is queued.
func (q *queue[T]) setHandler(h func(T)) {
	q.mu.Lock()
	q.h = h
	q.kickLocked()
	q.mu.Unlock()
}

func (q *queue[T]) kickLocked() {
	if q.h != nil && !q.running && q.head < len(q.items) {
		q.running = true
		go q.drain()
	}
}

func (q *queue[T]) drain() {
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

// len reports how many items wait for delivery.
func (q *queue[T]) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}
