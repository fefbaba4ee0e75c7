package engine

import (
	"slices"
	"time"

	"github.com/posthorn/posthorn/internal/roomlink"
)

// recoverDelays are the waits between the announcements a room makes after
// a peer became unreachable (its connection failed: network lost, process
// killed), each capped at the AnnounceInterval, for as long as the peer has
// not come back: when the network returns, the peers meet again within
// about the wait then current instead of the next periodic announcement
// (up to 120 s on a tracker). Trystero 0.25 announces again whenever a
// connected peer disconnects (protocol-0.25 §6.4); a peer that is really
// gone costs at most these six announcements.
var recoverDelays = []time.Duration{
	1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second,
}

// OnReannounce registers how the strategy announces the room on all its
// relays now, outside its periodic schedule; the Session calls it after a
// peer became unreachable (recoverDelays).
func (s *Session) OnReannounce(f func()) {
	s.mu.Lock()
	s.reannounce = append(s.reannounce, f)
	s.mu.Unlock()
}

// OnRequeue registers how a Protocol025 strategy starts its announce
// schedule over; the Session calls it when a connected peer was lost, as
// Trystero 0.25.4's topic strategies do (protocol-0.25 §6.4).
func (s *Session) OnRequeue(f func()) {
	s.mu.Lock()
	s.requeue = append(s.requeue, f)
	s.mu.Unlock()
}

// peerLost is the room's OnPeerLost: id's connection failed, or carried
// nothing from it before the handshake timed out. A 0.25 room
// starts its announce schedule over (OnRequeue); every room announces
// itself again on recoverDelays until id (and any other peer lost
// meanwhile) is connected again.
func (s *Session) peerLost(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	for _, f := range s.requeue {
		go f()
	}
	s.lost[id] = true
	if s.recovering {
		return
	}
	s.recovering = true
	go s.recoverLost()
}

func (s *Session) recoverLost() {
	defer func() {
		s.mu.Lock()
		s.recovering = false
		clear(s.lost)
		s.mu.Unlock()
	}()
	for _, d := range recoverDelays {
		fired := make(chan struct{})
		t := s.after(min(d, s.cfg.AnnounceInterval), func() { close(fired) })
		select {
		case <-fired:
		case <-s.ctx.Done():
			t.Stop()
			return
		}
		s.mu.Lock()
		for id := range s.lost {
			if roomlink.HasPeer(s.room, id) {
				delete(s.lost, id)
			}
		}
		missing := len(s.lost)
		fs := slices.Clone(s.reannounce)
		s.mu.Unlock()
		if missing == 0 {
			return
		}
		s.log.Debug("announcing again for unreachable peers", "peers", missing)
		for _, f := range fs {
			f()
		}
	}
}
