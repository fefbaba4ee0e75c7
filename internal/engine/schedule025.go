package engine

import "context"

// A Protocol025 room announces on each relay on its own Schedule, counted
// from the relay's Ready, as Trystero 0.25.4 does per relay (protocol-0.25
// §6.4): at once, after 233, 533 and 1333 ms, then every minute; when a
// connected peer is lost the schedule starts over on every relay (requeue).

// announcer is one relay's place in the room's schedule.
type announcer struct {
	r     Relay
	n     int   // announcements made since the schedule (re)started
	timer Timer // the next one; nil before it is set
}

func (a *announcer) stop() {
	if a.timer != nil {
		a.timer.Stop()
	}
}

// start025 (re)starts r's schedule: it announces now and sets the timer of
// the next announcement. It returns the publish error.
func (t *Topics) start025(ctx context.Context, r Relay) error {
	a := &announcer{r: r}
	t.mu.Lock()
	if t.relays[r.URL()] != r {
		t.mu.Unlock()
		return nil // forgotten meanwhile
	}
	if !t.active {
		t.mu.Unlock()
		t.s.Joined() // a quiet passive room is joined without a word
		return nil
	}
	if old := t.sched[r.URL()]; old != nil {
		old.stop()
	}
	t.sched[r.URL()] = a
	t.mu.Unlock()
	err := t.announce(ctx, r)
	t.next025(a)
	return err
}

// next025 sets a's timer for its next announcement, unless a was replaced
// or forgotten meanwhile or the room was left.
func (t *Topics) next025(a *announcer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sched[a.r.URL()] != a || t.s.Stopped() || !t.active {
		return
	}
	d := t.s.Schedule(TopicPeriod025).Delay(a.n)
	a.n++
	a.timer = t.s.after(d, func() {
		t.mu.Lock()
		live := t.sched[a.r.URL()] == a && t.active
		t.mu.Unlock()
		if !live {
			return
		}
		_ = t.announce(t.s.ctx, a.r)
		t.next025(a)
	})
}

// requeue starts the schedule over on every ready relay (a connected peer
// was lost, a passive room became active).
func (t *Topics) requeue() {
	t.mu.Lock()
	if t.s.cfg.Passive && t.active {
		t.armGraceLocked()
	}
	rs := make([]Relay, 0, len(t.relays))
	for _, r := range t.relays {
		rs = append(rs, r)
	}
	t.mu.Unlock()
	for _, r := range rs {
		_ = t.start025(t.s.ctx, r)
	}
}

// stopScheduleLocked stops every relay's schedule (t.mu held).
func (t *Topics) stopScheduleLocked() {
	for url, a := range t.sched {
		a.stop()
		delete(t.sched, url)
	}
}
