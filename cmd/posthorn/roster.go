//go:build !js

package main

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
)

// roster follows who is in the room (OnPeerJoin/OnPeerLeave), so that a
// subcommand can wait for peers and tell its own handlers about changes.
type roster struct {
	mu      sync.Mutex
	peers   map[string]bool
	seen    bool          // a peer has been in the room
	changed chan struct{} // closed and replaced on every change
}

// follow installs the room's join and leave handlers; onJoin and onLeave,
// if not nil, run after the roster is updated, once per change. Peers that
// connected before the handlers were installed are reported by OnPeerJoin
// when it is set.
func follow(r *posthorn.Room, onJoin, onLeave func(id string)) *roster {
	ro := &roster{peers: map[string]bool{}, changed: make(chan struct{})}
	joined := func(id string) {
		if ro.update(id, true) && onJoin != nil {
			onJoin(id)
		}
	}
	r.OnPeerJoin(joined)
	r.OnPeerLeave(func(id string) {
		if ro.update(id, false) && onLeave != nil {
			onLeave(id)
		}
	})
	return ro
}

// update records that id is in the room or not, and reports whether that
// is news.
func (ro *roster) update(id string, in bool) bool {
	ro.mu.Lock()
	defer ro.mu.Unlock()
	if ro.peers[id] == in {
		return false
	}
	if in {
		ro.peers[id] = true
		ro.seen = true
	} else {
		delete(ro.peers, id)
	}
	close(ro.changed)
	ro.changed = make(chan struct{})
	return true
}

// list returns the peers in the room, sorted.
func (ro *roster) list() []string {
	ro.mu.Lock()
	defer ro.mu.Unlock()
	ids := make([]string, 0, len(ro.peers))
	for id := range ro.peers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// waitFor waits until cond holds for the number of peers in the room and
// whether any peer has been seen, or ctx ends.
func (ro *roster) waitFor(ctx context.Context, cond func(n int, seen bool) bool) error {
	for {
		ro.mu.Lock()
		ok, ch := cond(len(ro.peers), ro.seen), ro.changed
		ro.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// flushTimeout bounds waiting for a peer to confirm it has everything sent
// to it so far.
const flushTimeout = 30 * time.Second

// flush waits until every target has received everything sent to it so
// far: a ping's pong comes back on the same ordered data channel after
// the data, so it proves delivery (Send returns once the data is handed to
// the channel, not once it arrived). It returns the targets that did not
// answer (they left, or ctx ended).
func flush(ctx context.Context, r *posthorn.Room, targets []string) []string {
	ctx, cancel := context.WithTimeout(ctx, flushTimeout)
	defer cancel()
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
	)
	for _, id := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.Ping(ctx, id); err != nil {
				mu.Lock()
				failed = append(failed, id)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Strings(failed)
	return failed
}

// followAloud is follow with a status line for every join and leave.
func followAloud(r *posthorn.Room, out *printer) *roster {
	return follow(r, func(id string) { out.status("* %s joined", short(id)) }, func(id string) { out.status("* %s left", short(id)) })
}
