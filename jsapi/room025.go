//go:build js && wasm

package jsapi

import (
	"context"
	"errors"
	"syscall/js"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/profile"
)

// newRoom025 makes the room object of 0.25's joinRoom: the same Go-side
// jsRoom as 0.18's, shown through 0.25's shape (@trystero-p2p/core Room):
// onPeerJoin, onPeerLeave, onPeerStream and onPeerTrack are properties to
// assign (null when unset; assigning onPeerJoin calls it at once for every
// peer already joined), makeAction(name, config) returns an action object,
// leave() returns a Promise, and the media methods take 0.25's option
// objects (installMedia025).
func newRoom025(m *module, key string, passive bool) *jsRoom {
	jr := newRoomState(m, key, js.Null())
	o := jsObject.New()
	o.Set("makeAction", wrapThrowing(funcOf(jr.makeAction025)))
	o.Set("ping", asyncFunc(jr.ping025))
	o.Set("leave", js.FuncOf(func(js.Value, []js.Value) any {
		done := jr.startLeave()
		return newPromise(func() (any, error) {
			<-done
			return js.Undefined(), nil
		})
	}))
	o.Set("isPassive", js.FuncOf(func(js.Value, []js.Value) any { return passive }))
	o.Set("getPeers", js.FuncOf(jr.getPeers))
	jr.property(o, "onPeerJoin", &jr.onJoin, func(f js.Value) {
		if r := jr.joined(); r != nil {
			for id := range r.Peers() {
				call(f, id)
			}
		}
	})
	jr.property(o, "onPeerLeave", &jr.onLeave, nil)
	jr.property(o, "onPeerStream", &jr.onStream, nil)
	jr.property(o, "onPeerTrack", &jr.onTrack, nil)
	jr.installMedia025(o)
	jr.obj = o
	return jr
}

// property defines o[name] as an accessor over *slot; after an assignment
// of a function, then(f) runs if set.
func (jr *jsRoom) property(o js.Value, name string, slot *js.Value, then func(f js.Value)) {
	defineAccessor(o, name, func() js.Value { return jr.callback(slot) }, func(v js.Value) {
		jr.mu.Lock()
		*slot = v
		jr.mu.Unlock()
		if then != nil && v.Type() == js.TypeFunction {
			then(v)
		}
	})
}

// defineAccessor is Object.defineProperty(o, name, {get, set, enumerable}).
func defineAccessor(o js.Value, name string, get func() js.Value, set func(js.Value)) {
	d := jsObject.New()
	d.Set("enumerable", true)
	d.Set("get", js.FuncOf(func(js.Value, []js.Value) any { return get() }))
	d.Set("set", js.FuncOf(func(_ js.Value, args []js.Value) any {
		set(arg(args, 0))
		return nil
	}))
	jsObject.Call("defineProperty", o, name, d)
}

// ping025 is 0.25's ping(id): a Promise of the round trip in milliseconds,
// rejected with "no active peer with id <id>" for a peer not in the room.
func (jr *jsRoom) ping025(_ js.Value, args []js.Value) js.Value {
	id := jsString.Invoke(arg(args, 0)).String()
	return newPromise(func() (any, error) {
		r, err := jr.room()
		if err != nil {
			return nil, err
		}
		d, err := r.Ping(context.Background(), id)
		var unknown *posthorn.UnknownPeerError
		if errors.As(err, &unknown) || errors.Is(err, posthorn.ErrNoPeerID) {
			return nil, errNoActivePeer(id)
		}
		if err != nil {
			return nil, err
		}
		return float64(d) / float64(time.Millisecond), nil
	})
}

// makeAction025 is 0.25's makeAction(name, config): the action object for
// name (the same object again for the same name), with config's onMessage
// and onReceiveProgress installed; with config.kind "request" (any kind
// but "message", as in JS) a request action (request025.go), with
// config's onRequest installed.
func (jr *jsRoom) makeAction025(_ js.Value, args []js.Value) (any, error) {
	t, conf := arg(args, 0), arg(args, 1)
	if conf.Type() == js.TypeObject && jsReflectHas(conf, "onRequest") && option(conf, "kind").String() != "request" {
		return nil, errRequestKind025
	}
	isRequest := false
	if conf.Type() == js.TypeObject {
		k := option(conf, "kind")
		isRequest = !k.IsUndefined() && !k.IsNull() && !(k.Type() == js.TypeString && k.String() == "message")
	}
	name := ""
	if t.Truthy() {
		name = jsString.Invoke(t).String()
	}
	jr.mu.Lock()
	a := jr.actions[name]
	jr.mu.Unlock()
	if a != nil {
		if a.isRequest != isRequest {
			return nil, errRedefined025(name)
		}
		return a.obj, nil
	}
	if err := profile.V025.Framing.CheckAction(name); err != nil {
		return nil, err
	}
	if isInternal025(name) {
		return nil, posthorn.ErrReservedAction
	}
	jr.mu.Lock()
	defer jr.mu.Unlock()
	if a := jr.actions[name]; a != nil {
		if a.isRequest != isRequest {
			return nil, errRedefined025(name)
		}
		return a.obj, nil
	}
	if isRequest {
		a = newRequestAction025(jr, name, conf)
	} else {
		a = newAction025(jr, name, conf)
	}
	jr.actions[name] = a
	if jr.r != nil || jr.err != nil {
		a.bind(jr.r, jr.err)
	}
	return a.obj, nil
}

func isInternal025(name string) bool {
	p := profile.V025
	switch name {
	case p.Ping, p.Pong, p.Signal, p.Stream, p.Track, p.Leave, p.HandshakeData, p.HandshakeReady, p.Response:
		return true
	}
	return false
}
