package engine

import (
	"fmt"
	"time"

	"github.com/posthorn/posthorn"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// Passive rooms (Config.Passive, protocol-0.25 §6.5). A passive room starts
// quiet: Ready announces nothing. A message on the root topic that is not
// passive and neither an answer nor a candidate makes it active: the
// strategy subscribes its self topic (OnActivate) and the announce schedule
// starts on every relay, every message of the room carrying
// "passive":true. Passive messages are ignored by a passive room, so two
// passive rooms never meet. passiveGrace025 after becoming active, and
// again every passiveGrace025 while it has peers or attempts, the room
// checks whether it is idle; if it is, it goes quiet again.

// passiveGrace025 is Trystero's passiveActivationGraceMs.
const passiveGrace025 = 7533 * time.Millisecond

// checkPassive refuses passive rooms under 0.18 and on strategies that do
// not run them.
func checkPassive(c SessionConfig) error {
	switch {
	case !c.Passive:
		return nil
	case c.Protocol != posthorn.Protocol025:
		return fmt.Errorf("%w: passive rooms need Protocol025", posthorn.ErrProtocol)
	case !c.Passive025:
		return fmt.Errorf("%w: this strategy does not run passive rooms", posthorn.ErrProtocol)
	}
	return nil
}

// OnActivate registers what the strategy does when a passive room becomes
// active: subscribe its self topic, which a quiet passive room leaves out.
// f runs on the goroutine delivering the waking message, before that
// message is handled and before the room announces, as Trystero awaits
// its self subscription first: a peer answers the announcement or nudge
// at once, on the self topic. So f must not wait for a relay's reply
// (which that goroutine may be the one to deliver), only send the
// subscription so that the relay has it before anything the room
// publishes afterwards.
func (t *Topics) OnActivate(f func()) {
	t.mu.Lock()
	t.onActivate = append(t.onActivate, f)
	t.mu.Unlock()
}

// Active reports whether the room takes part in signalling: always for a
// room that is not passive.
func (t *Topics) Active() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.active
}

// admit025 applies the passive rules to a message received on topic on by
// a passive room, activating the room when the message calls for it; false
// drops the message.
func (t *Topics) admit025(on string, m v025wire.Message) bool {
	if !t.s.cfg.Passive {
		return true
	}
	if m.Passive {
		return false // two passive peers ignore each other
	}
	t.mu.Lock()
	if t.active {
		t.mu.Unlock()
		return true
	}
	if on != t.root || m.Kind == v025wire.KindAnswer || m.Kind == v025wire.KindCandidate {
		t.mu.Unlock()
		return false
	}
	t.active = true
	fs := append([]func(){}, t.onActivate...)
	t.mu.Unlock()
	t.s.log.Debug("passive room activated", "peer", m.PeerID)
	for _, f := range fs {
		f()
	}
	t.requeue()
	return true
}

// armGraceLocked (re)sets the timer of the idle check (t.mu held).
func (t *Topics) armGraceLocked() {
	if t.grace != nil {
		t.grace.Stop()
	}
	t.graceGen++
	gen := t.graceGen
	t.grace = t.s.after(passiveGrace025, func() { t.graceOver(gen) })
}

// graceOver makes an active passive room quiet if it has no peers and no
// attempts, and else checks again later.
func (t *Topics) graceOver(gen int) {
	idle := !t.s.hasWork()
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.graceGen || !t.active || t.s.Stopped() {
		return
	}
	if !idle {
		t.armGraceLocked()
		return
	}
	t.active = false
	t.stopScheduleLocked()
	t.s.log.Debug("passive room quiet again")
}

// hasWork reports whether the room has peers or connection attempts with
// known peers (the torrent offer pool's anonymous offers do not count).
func (s *Session) hasWork() bool {
	s.mu.Lock()
	n := len(s.attempts)
	if _, ok := s.attempts[""]; ok {
		n--
	}
	s.mu.Unlock()
	return n > 0 || len(s.room.Peers()) > 0
}

// Idle reports whether a passive room has nothing left to do: no peers and
// no connection attempts with known peers.
func (s *Session) Idle() bool { return !s.hasWork() }

// PassiveGrace025 is how long a passive room that became active waits
// before it checks whether it is idle, and again while it is not.
const PassiveGrace025 = passiveGrace025
