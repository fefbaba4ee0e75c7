package tracker

import (
	"math/rand/v2"
	"time"
)

// member is one peer_id in one swarm.
type member struct {
	id       string
	conn     *conn // the socket its last announce came from; offers go there
	complete bool
	seen     time.Time
}

// swarm is the set of peers announcing one info_hash. Guarded by Server.mu.
type swarm struct {
	members map[string]*member
}

func newSwarm() *swarm { return &swarm{members: make(map[string]*member)} }

// counts returns (complete, incomplete) like the reference tracker: seeders
// announced left=0; Trystero peers never send left, so they are incomplete.
func (s *swarm) counts() (complete, incomplete int) {
	for _, m := range s.members {
		if m.complete {
			complete++
		} else {
			incomplete++
		}
	}
	return complete, incomplete
}

// pick returns up to n random members other than self, in random order
// (protocol-0.18 §7.1: "the i-th of up to min(len(offers), 82) random other
// peers").
func (s *swarm) pick(n int, self string) []*member {
	if n <= 0 {
		return nil
	}
	all := make([]*member, 0, len(s.members))
	for _, m := range s.members {
		if m.id != self {
			all = append(all, m)
		}
	}
	rand.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if len(all) > n {
		all = all[:n]
	}
	return all
}
