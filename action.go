package posthorn

import (
	"encoding/json"
	"sync"

	"github.com/posthorn/posthorn/internal/chunk"
)

// Action is a named message type shared by all peers of a room (makeAction).
type Action struct {
	r    *Room
	name string

	nonces chunk.NonceCounter // protocol-0.18 §5.5: one per action, shared by all targets

	mu         sync.Mutex
	onReceive  func(m Message, peerID string)
	onProgress func(pct float64, peerID string, meta json.RawMessage)
	// internal handles received messages of the Room's own actions.
	internal func(m Message, c *conn)

	// isRequest marks a request action (MakeRequestAction, request.go);
	// onRequest is its handler, held its requests waiting for one.
	isRequest bool
	onRequest RequestHandler
	held      []*incoming
}

// Name returns the action's name.
func (a *Action) Name() string { return a.name }

// MakeAction returns the action called name, creating it on first use; the
// same name always gives the same *Action. The name must be non-empty, fit
// the framing's type field (12 UTF-8 bytes for 0.18, §5.1) and not be one of
// the profile's internal names. A name made as a request action
// (MakeRequestAction) gives ErrActionKind.
func (r *Room) MakeAction(name string) (*Action, error) {
	return r.makeAction(name, false)
}

func (r *Room) makeAction(name string, isRequest bool) (*Action, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if a := r.actions[name]; a != nil {
		switch {
		case a.internal != nil:
			return nil, ErrReservedAction
		case a.isRequest != isRequest:
			return nil, ErrActionKind
		}
		return a, nil
	}
	// room.js's checks: non-empty, at most TypeLen UTF-8 bytes (§5.7).
	if err := r.prof.Framing.CheckAction(name); err != nil {
		return nil, err
	}
	// Internal names the room does not handle itself (0.25's @_leave, say)
	// are refused all the same.
	if r.prof.Internal(name) {
		return nil, ErrReservedAction
	}
	a := &Action{r: r, name: name, isRequest: isRequest}
	r.actions[name] = a
	return a, nil
}

// internalAction registers one of the profile's own actions.
func (r *Room) internalAction(name string, h func(Message, *conn)) *Action {
	a := &Action{r: r, name: name, internal: h}
	r.actions[name] = a
	return a
}

// OnReceive sets the callback run with every complete message of this
// action; only the latest one registered is called. m.Meta is set only for
// binary messages that carried metadata (under 0.25, for any message that
// did). A request action's requests go to its OnRequest handler instead.
func (a *Action) OnReceive(f func(m Message, peerID string)) {
	a.mu.Lock()
	a.onReceive = f
	a.mu.Unlock()
}

// OnProgress sets the callback run for every received chunk of this action
// with the chunk's progress byte / 255, the sender and the metadata known so
// far (protocol-0.18 §5.4 step 4; meta is shared, do not modify it); only the
// latest one registered is called. For a request action, meta is the
// requester's own metadata, without the request's id.
func (a *Action) OnProgress(f func(pct float64, peerID string, meta json.RawMessage)) {
	a.mu.Lock()
	a.onProgress = f
	a.mu.Unlock()
}

func (a *Action) handlers() (func(Message, string), func(float64, string, json.RawMessage)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.onReceive, a.onProgress
}
