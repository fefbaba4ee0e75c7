//go:build js && wasm

package jsapi

import (
	"context"
	"encoding/json"
	"sync"
	"syscall/js"
	"time"

	"github.com/posthorn/posthorn/internal/profile"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/media"
)

// jsRoom is the JS room object joinRoom returns, bound to its Go room once
// the strategy has joined.
type jsRoom struct {
	m   *module
	ns  string
	obj js.Value

	ready chan struct{}  // closed by bind
	r     *posthorn.Room // set by bind; nil if the join failed
	err   error          // the join's error

	mu       sync.Mutex
	left     bool
	leftDone chan struct{} // startLeave's channel
	actions  map[string]*jsAction
	// The latest callbacks registered (room.js keeps only the latest).
	onJoin, onLeave, onStream, onTrack js.Value
}

// newRoomState is the Go side of a room object, its callbacks all unset
// (undefined in 0.18's shape, null in 0.25's).
func newRoomState(m *module, ns string, unset js.Value) *jsRoom {
	return &jsRoom{
		m: m, ns: ns, ready: make(chan struct{}), actions: map[string]*jsAction{},
		onJoin: unset, onLeave: unset, onStream: unset, onTrack: unset,
	}
}

func newJSRoom(m *module, ns string) *jsRoom {
	jr := newRoomState(m, ns, js.Undefined())
	o := jsObject.New()
	o.Set("makeAction", wrapThrowing(funcOf(jr.makeAction)))
	o.Set("ping", asyncFunc(jr.ping))
	o.Set("leave", js.FuncOf(jr.leave))
	o.Set("getPeers", js.FuncOf(jr.getPeers))
	o.Set("onPeerJoin", jr.setter(&jr.onJoin))
	o.Set("onPeerLeave", jr.setter(&jr.onLeave))
	o.Set("onPeerStream", jr.setter(&jr.onStream))
	o.Set("onPeerTrack", jr.setter(&jr.onTrack))
	jr.installMedia(o)
	jr.obj = o
	return jr
}

// setter returns a function that replaces the callback in *slot.
func (jr *jsRoom) setter(slot *js.Value) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		jr.mu.Lock()
		*slot = arg(args, 0)
		jr.mu.Unlock()
		return nil
	})
}

func (jr *jsRoom) callback(slot *js.Value) js.Value {
	jr.mu.Lock()
	defer jr.mu.Unlock()
	return *slot
}

// bind attaches the joined Go room (or the join's error) and registers the
// room's callbacks and every action made so far.
func (jr *jsRoom) bind(r *posthorn.Room, err error) {
	if r != nil {
		r.OnPeerJoin(func(id string) { call(jr.callback(&jr.onJoin), id) })
		r.OnPeerLeave(func(id string) { call(jr.callback(&jr.onLeave), id) })
		r.OnPeerStream(func(s *media.Stream, id string, meta json.RawMessage) {
			safely(func() { call(jr.callback(&jr.onStream), streamValue(s), id, metaToJS(meta)) })
		})
		r.OnPeerTrack(func(t *media.Track, s *media.Stream, id string, meta json.RawMessage) {
			safely(func() { call(jr.callback(&jr.onTrack), trackValue(t), streamValue(s), id, metaToJS(meta)) })
		})
	}
	jr.mu.Lock()
	jr.r, jr.err = r, err
	acts := make([]*jsAction, 0, len(jr.actions))
	for _, a := range jr.actions {
		acts = append(acts, a)
	}
	jr.mu.Unlock()
	for _, a := range acts {
		a.bind(r, err)
	}
	close(jr.ready)
}

// room waits for the join and returns the Go room; it runs on goroutines.
func (jr *jsRoom) room() (*posthorn.Room, error) {
	<-jr.ready
	if jr.err != nil {
		return nil, jr.err
	}
	return jr.r, nil
}

// joined returns the Go room if the join has finished, without waiting.
func (jr *jsRoom) joined() *posthorn.Room {
	select {
	case <-jr.ready:
		return jr.r
	default:
		return nil
	}
}

// makeAction is room.makeAction(type): the same three functions for the
// same name, or an exception for an empty or too long name (protocol-0.18 §5.7).
func (jr *jsRoom) makeAction(_ js.Value, args []js.Value) (any, error) {
	t := arg(args, 0)
	name := ""
	if t.Truthy() {
		name = jsString.Invoke(t).String()
	}
	jr.mu.Lock()
	a := jr.actions[name]
	jr.mu.Unlock()
	if a != nil {
		return a.triple(), nil
	}
	if err := profile.V018.Framing.CheckAction(name); err != nil {
		return nil, err
	}
	if isInternal(name) {
		return nil, posthorn.ErrReservedAction
	}
	jr.mu.Lock()
	defer jr.mu.Unlock()
	if a := jr.actions[name]; a != nil {
		return a.triple(), nil
	}
	a = newJSAction(jr, name)
	jr.actions[name] = a
	// bind sets r or err under jr.mu before it copies the action list, so
	// an action made after that copy binds itself here.
	if jr.r != nil || jr.err != nil {
		a.bind(jr.r, jr.err)
	}
	return a.triple(), nil
}

func isInternal(name string) bool {
	p := profile.V018
	switch name {
	case p.Ping, p.Pong, p.Signal, p.Stream, p.Track:
		return true
	}
	return false
}

// ping is room.ping(id): a Promise of the round trip in milliseconds.
func (jr *jsRoom) ping(_ js.Value, args []js.Value) js.Value {
	idArg := arg(args, 0)
	if !idArg.Truthy() {
		return rejected(posthorn.ErrNoPeerID)
	}
	id := jsString.Invoke(idArg).String()
	return newPromise(func() (any, error) {
		r, err := jr.room()
		if err != nil {
			return nil, err
		}
		d, err := r.Ping(context.Background(), id)
		if err != nil {
			return nil, err
		}
		return float64(d) / float64(time.Millisecond), nil
	})
}

// leave is room.leave(): it returns at once; the room's connections close
// on a goroutine. The namespace can be joined again straight away.
func (jr *jsRoom) leave(js.Value, []js.Value) any {
	jr.startLeave()
	return nil
}

// startLeave leaves the room once and returns a channel closed when the Go
// room is left (the same channel on every call).
func (jr *jsRoom) startLeave() <-chan struct{} {
	jr.mu.Lock()
	if jr.left {
		jr.mu.Unlock()
		return jr.leftDone
	}
	jr.left = true
	done := make(chan struct{})
	jr.leftDone = done
	jr.mu.Unlock()
	jr.m.forget(jr, done)
	go func() {
		defer close(done)
		if r, err := jr.room(); err == nil {
			if err := r.Leave(); err != nil {
				js.Global().Get("console").Call("warn", "posthorn: leave: "+err.Error())
			}
		}
	}()
	return done
}

// getPeers is room.getPeers(): peer id → the browser's RTCPeerConnection.
func (jr *jsRoom) getPeers(js.Value, []js.Value) any {
	out := jsObject.New()
	r := jr.joined()
	if r == nil {
		return out
	}
	for id, pc := range r.Peers() {
		out.Set(id, pc)
	}
	return out
}

// peerCount is how many of targets (nil: all) are connected now: the
// length of the array the seed's send resolves with.
func peerCount(r *posthorn.Room, targets []string) int {
	peers := r.Peers()
	if targets == nil {
		return len(peers)
	}
	seen := map[string]bool{}
	for _, id := range targets {
		if _, ok := peers[id]; ok {
			seen[id] = true
		}
	}
	return len(seen)
}

// undefinedArray is [undefined × n], what Promise.all over the seed's
// per-peer sends resolves with.
func undefinedArray(n int) js.Value { return jsArray.New(n).Call("fill", js.Undefined()) }

// safely runs f, logging a panic (a throwing conversion) instead of
// crashing.
func safely(f func()) {
	if _, err := protect(func() (any, error) { f(); return nil, nil }); err != nil {
		js.Global().Get("console").Call("error", "posthorn:", err.Error())
	}
}
