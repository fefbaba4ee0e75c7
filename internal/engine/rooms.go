package engine

import "sync"

// rooms makes joinRoom idempotent: one room per roomID until that room is
// left. Like Trystero 0.18 the key is the roomID alone; the appId is not part
// of it (docs/protocol-0.18.md §7). The zero value is ready to use.
type rooms struct {
	mu   sync.Mutex
	open map[string]*Session
}

// join returns the open session for roomID (created false) or a new one
// from create, registered so that the room's leave forgets it.
func (r *rooms) join(roomID string, create func() (*Session, error)) (s *Session, created bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.open[roomID]; s != nil {
		return s, false, nil
	}
	s, err = create()
	if err != nil {
		return nil, false, err
	}
	s.forget = func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.open[roomID] == s {
			delete(r.open, roomID)
		}
	}
	if r.open == nil {
		r.open = map[string]*Session{}
	}
	r.open[roomID] = s
	return s, true, nil
}

// leaveAll leaves every open room; a later join starts afresh.
func (r *rooms) leaveAll() {
	r.mu.Lock()
	open := r.open
	r.open = nil
	r.mu.Unlock()
	for _, s := range open {
		_ = s.room.Leave()
	}
}
