package nostrrelay

import "sync"

// store keeps the newest regular events in arrival order within a count and
// a byte budget; the oldest is dropped first. Queries walk newest first and
// stop at their limit: they never sort. It is safe for concurrent use; a
// query holds only the store's read lock, never the subscription lock.
type store struct {
	maxN, maxBytes int

	mu     sync.RWMutex
	events []*event // ring: oldest at head
	head   int
	n      int
	bytes  int
	ids    map[string]*event
}

func newStore(maxN, maxBytes int) *store {
	return &store{maxN: maxN, maxBytes: maxBytes, events: make([]*event, maxN), ids: map[string]*event{}}
}

// add stores e; it reports false for a duplicate id. An event larger than
// the whole budget is not stored.
func (s *store) add(e *event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[e.ID] != nil {
		return false
	}
	if e.cost() > s.maxBytes {
		return true
	}
	for s.n == s.maxN || s.bytes+e.cost() > s.maxBytes {
		s.dropOldest()
	}
	s.events[(s.head+s.n)%s.maxN] = e
	s.n++
	s.bytes += e.cost()
	s.ids[e.ID] = e
	return true
}

func (s *store) dropOldest() {
	old := s.events[s.head]
	s.events[s.head] = nil
	delete(s.ids, old.ID)
	s.bytes -= old.cost()
	s.head = (s.head + 1) % s.maxN
	s.n--
}

// query calls yield for the stored events matching f, newest arrival
// first, at most limit of them. A filter with ids looks them up instead of
// scanning. yield must not call back into the store.
func (s *store) query(f *filter, limit int, yield func(*event)) {
	if limit <= 0 {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(f.IDs) > 0 {
		for _, id := range f.IDs {
			if e := s.ids[id]; e != nil && f.matches(e) {
				yield(e)
				if limit--; limit == 0 {
					return
				}
			}
		}
		return
	}
	for i := s.n - 1; i >= 0; i-- {
		e := s.events[(s.head+i)%s.maxN]
		if f.matches(e) {
			yield(e)
			if limit--; limit == 0 {
				return
			}
		}
	}
}

// stats returns the stored events and their accounted bytes.
func (s *store) stats() (n, bytes int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.n, s.bytes
}
