package tracker

import (
	"math/rand/v2"
	"time"
)

// member is one peer_id in one swarm.
type member struct {
	id       string
	conn     *conn // the socket that announced it first: its only owner
	complete bool
	seen     time.Time
	idx      int // position in swarm.list
}

// swarm is the set of peers announcing one info_hash. Guarded by Server.mu.
// Members are kept in a map by id and in a slice for O(k) random sampling.
type swarm struct {
	members  map[string]*member
	list     []*member
	complete int
}

func newSwarm() *swarm { return &swarm{members: make(map[string]*member)} }

func (s *swarm) add(m *member) {
	m.idx = len(s.list)
	s.list = append(s.list, m)
	s.members[m.id] = m
	if m.complete {
		s.complete++
	}
}

func (s *swarm) remove(m *member) {
	last := s.list[len(s.list)-1]
	s.list[m.idx], last.idx = last, m.idx
	s.list[len(s.list)-1] = nil
	s.list = s.list[:len(s.list)-1]
	delete(s.members, m.id)
	if m.complete {
		s.complete--
	}
}

func (s *swarm) markComplete(m *member) {
	if !m.complete {
		m.complete = true
		s.complete++
	}
}

// counts returns (complete, incomplete) like the reference tracker: seeders
// announced left=0; Trystero peers never send left, so they are incomplete.
func (s *swarm) counts() (complete, incomplete int) {
	return s.complete, len(s.list) - s.complete
}

// pick returns up to n random members other than self, in random order
// (protocol-0.18 §7.1: "the i-th of up to min(len(offers), 82) random other
// peers"). It is a partial Fisher-Yates shuffle of s.list: O(n), whatever
// the swarm's size.
func (s *swarm) pick(n int, self string) []*member {
	if n <= 0 {
		return nil
	}
	out := make([]*member, 0, min(n, len(s.list)))
	for i := 0; i < len(s.list) && len(out) < n; i++ {
		j := i + rand.IntN(len(s.list)-i)
		s.list[i], s.list[j] = s.list[j], s.list[i]
		s.list[i].idx, s.list[j].idx = i, j
		if s.list[i].id != self {
			out = append(out, s.list[i])
		}
	}
	return out
}
