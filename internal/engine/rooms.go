package engine

import (
	"errors"
	"sync"

	"github.com/posthorn/posthorn"
)

// The argument checks of Trystero 0.18's joinRoom guard (src/utils.js
// initGuard); the JS bridge reports them with Trystero's "Trystero: " prefix.
var (
	ErrAppIDRequired     = errors.New("signal: config map is missing appId field")
	ErrNamespaceRequired = errors.New("signal: namespace argument required")
)

// Rooms makes joinRoom idempotent: one room per roomID until that room is
// left. Like Trystero 0.18 the key is the roomID alone; the appId is not part
// of it (wire-0.18 §7). The zero value is ready to use.
type Rooms struct {
	mu    sync.Mutex
	rooms map[string]*posthorn.Room
}

// Join returns the open room for roomID, or checks cfg and calls create to
// make one. create gets a forget function that the room's leave must call so
// that a later Join starts afresh.
func (r *Rooms) Join(cfg Config, roomID string, create func(forget func()) (*posthorn.Room, error)) (*posthorn.Room, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rm, ok := r.rooms[roomID]; ok {
		return rm, nil
	}
	if cfg.AppID == "" {
		return nil, ErrAppIDRequired
	}
	if roomID == "" {
		return nil, ErrNamespaceRequired
	}
	var rm *posthorn.Room
	forget := func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.rooms[roomID] == rm {
			delete(r.rooms, roomID)
		}
	}
	rm, err := create(forget)
	if err != nil {
		return nil, err
	}
	if r.rooms == nil {
		r.rooms = map[string]*posthorn.Room{}
	}
	r.rooms[roomID] = rm
	return rm, nil
}

// LeaveAll leaves every open room, as a strategy's Close does; a later Join
// starts afresh.
func (r *Rooms) LeaveAll() {
	r.mu.Lock()
	open := make([]*posthorn.Room, 0, len(r.rooms))
	for _, rm := range r.rooms {
		open = append(open, rm)
	}
	r.rooms = nil // Leave's forget finds nothing to delete
	r.mu.Unlock()
	for _, rm := range open {
		_ = rm.Leave()
	}
}
