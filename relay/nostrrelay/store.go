package nostrrelay

// store keeps the newest max regular events in arrival order; the oldest is
// dropped first. Not safe for concurrent use (the Server locks).
type store struct {
	max    int
	events []*event // ring: oldest at head
	head   int
	n      int
	ids    map[string]bool
}

func newStore(max int) *store {
	return &store{max: max, events: make([]*event, max), ids: map[string]bool{}}
}

// add stores e; it reports false for a duplicate id.
func (s *store) add(e *event) bool {
	if s.ids[e.ID] {
		return false
	}
	if s.n == s.max {
		old := s.events[s.head]
		delete(s.ids, old.ID)
		s.events[s.head] = e
		s.head = (s.head + 1) % s.max
	} else {
		s.events[(s.head+s.n)%s.max] = e
		s.n++
	}
	s.ids[e.ID] = true
	return true
}

// query returns the stored events matching f, newest first (by created_at,
// then arrival), at most limit.
func (s *store) query(f *filter, limit int) []*event {
	var out []*event
	for i := s.n - 1; i >= 0; i-- {
		e := s.events[(s.head+i)%s.max]
		if f.matches(e) {
			out = append(out, e)
		}
	}
	sortNewestFirst(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func sortNewestFirst(es []*event) {
	// stable insertion sort keeps arrival order among equal timestamps; the
	// slice is already nearly sorted.
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].CreatedAt > es[j-1].CreatedAt; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
