//go:build js && wasm

package jsapi

import (
	"context"
	"sync"
	"syscall/js"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
)

// RegistryName is the global object the loaders wait on: Export sets
// globalThis.__posthorn[name] to the module object and, if the loader left
// a resolver at globalThis.__posthorn.__waiting[name], calls it with the
// module.
const RegistryName = "__posthorn"

// module is one strategy's exported JS module (trystero/<strategy>).
type module struct {
	s    posthorn.Strategy
	name string

	// relayPause: a 0.25 module with pauseRelayReconnection, which also
	// pauses on the window's offline event (online025.go).
	relayPause bool

	mu         sync.Mutex
	rooms      map[string]*jsRoom       // joinRoom's cache, by namespace (0.25: roomKey)
	leaving    map[string]chan struct{} // rooms of that key still being left
	stopOnline func()                   // undoes watchOnline; nil when not watching
}

// Export installs the module object of strategy s under name ("torrent",
// "nostr", "mqtt", "firebase"): {joinRoom, selfId, getRelaySockets}, as the
// seed's strategy modules export them, plus getOccupants for a strategy
// that has it (firebase). With With025 it also installs the strategy's
// Trystero 0.25 module (@trystero-p2p/<name>, see v025.go) under
// name+"@0.25", on the same strategy instance. Call it once from main, then
// block.
func Export(s posthorn.Strategy, name string, opts ...Option) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	m := newModule(s, name)
	reg := js.Global().Get(RegistryName)
	if reg.Type() != js.TypeObject {
		reg = jsObject.New()
		js.Global().Set(RegistryName, reg)
	}
	// The 0.25 module goes in first: the loader's resolver, called below,
	// is the signal that every module of this wasm is there.
	if o.install025 != nil {
		reg.Set(name+Suffix025, o.install025(newModule(s, name), &o))
	}
	obj := jsObject.New()
	obj.Set("joinRoom", wrapThrowing(funcOf(m.joinRoom)))
	obj.Set("selfId", s.SelfID())
	obj.Set("getRelaySockets", js.FuncOf(func(js.Value, []js.Value) any {
		return relaySockets(s.RelaySockets())
	}))
	if _, ok := s.(occupier); ok {
		obj.Set("getOccupants", js.FuncOf(m.getOccupants))
	}
	m.closeOnPageHide()

	reg.Set(name, obj)
	if w := reg.Get("__waiting"); w.Type() == js.TypeObject {
		call(w.Get(name), obj)
	}
}

// An Option adds to what Export installs.
type Option func(*options)

type options struct {
	// install025 builds the 0.25 module. Only With025 refers to the 0.25
	// code, so a build that never calls it does not link that code.
	install025 func(*module, *options) js.Value
	// relayPause025: the 0.25 module exports pauseRelayReconnection and
	// resumeRelayReconnection.
	relayPause025 bool
}

// With025 makes Export install the strategy's Trystero 0.25 module too;
// defaultRelayURLs is its defaultRelayUrls export, the 0.25.4 package's
// list (internal/v025/relays), which the strategy's 0.25 rooms use.
func With025(defaultRelayURLs []string) Option {
	return func(o *options) {
		o.install025 = func(m *module, o *options) js.Value { return export025(m, defaultRelayURLs, o.relayPause025) }
	}
}

// WithRelayPause025 adds pauseRelayReconnection and resumeRelayReconnection
// to the 0.25 module of With025, as @trystero-p2p/torrent and
// @trystero-p2p/nostr re-export them from @trystero-p2p/core
// (@trystero-p2p/mqtt does not).
func WithRelayPause025() Option {
	return func(o *options) { o.relayPause025 = true }
}

func newModule(s posthorn.Strategy, name string) *module {
	return &module{
		s:       s,
		name:    name,
		rooms:   map[string]*jsRoom{},
		leaving: map[string]chan struct{}{},
	}
}

// relaySockets builds getRelaySockets()'s answer: relay URL → an object
// with the socket's url and readyState (0 connecting, 1 open, 2 closing,
// 3 closed, as on a WebSocket). posthorn's sockets live in Go, so these are
// snapshots, not WebSocket objects.
func relaySockets(states map[string]posthorn.RelayState) js.Value {
	out := jsObject.New()
	for url, st := range states {
		o := jsObject.New()
		o.Set("url", url)
		o.Set("readyState", int(st))
		out.Set(url, o)
	}
	return out
}

// joinRoom is the exported joinRoom(config, namespace). Like the seed it
// returns the cached room for a namespace before checking anything, and
// throws for a missing config, appId or namespace. The Go room is joined
// on a goroutine; the JS room object works at once and its calls wait for
// the join where they must.
func (m *module) joinRoom(_ js.Value, args []js.Value) (any, error) {
	cfgArg, nsArg := arg(args, 0), arg(args, 1)
	ns := ""
	if nsArg.Truthy() {
		ns = jsString.Invoke(nsArg).String()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if jr := m.rooms[ns]; jr != nil {
		return jr.obj, nil
	}
	cfg, err := convertConfig(cfgArg, m.name)
	if err != nil {
		return nil, err
	}
	if ns == "" {
		return nil, posthorn.ErrNoRoomID
	}
	jr := newJSRoom(m, ns)
	m.rooms[ns] = jr
	prev := m.leaving[ns]
	go func() {
		if prev != nil {
			<-prev // the strategy must have forgotten the old room
		}
		r, err := m.s.JoinRoom(engine.NoWait(context.Background()), cfg, ns)
		if err != nil {
			js.Global().Get("console").Call("error", "posthorn: joinRoom: "+errorText(err))
		}
		jr.bind(r, err)
	}()
	return jr.obj, nil
}

// forget drops jr from the cache when it is left, so that the next
// joinRoom of its namespace starts afresh (torrent.js deletes
// occupiedRooms[ns] on leave); done is closed once the Go room is left.
func (m *module) forget(jr *jsRoom, done chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rooms[jr.ns] == jr {
		delete(m.rooms, jr.ns)
	}
	if len(m.rooms) == 0 && m.stopOnline != nil {
		m.stopOnline()
		m.stopOnline = nil
	}
	m.leaving[jr.ns] = done
	go func() {
		<-done
		m.mu.Lock()
		if m.leaving[jr.ns] == done {
			delete(m.leaving, jr.ns)
		}
		m.mu.Unlock()
	}()
}
