//go:build js && wasm

package jsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"syscall/js"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/transfer"
)

// jsAction is one makeAction(name): its three JS functions and the Go
// action they drive once the room is joined.
type jsAction struct {
	jr   *jsRoom
	name string
	// send, onReceive and onProgress are created once: repeated makeAction
	// calls hand out the same function objects, as room.js does.
	send, setReceive, setProgress js.Value

	bound chan struct{} // closed by bind
	a     *posthorn.Action
	err   error

	mu         sync.Mutex
	onReceive  js.Value
	onProgress js.Value
	// The last progress metadata parsed, so a transfer's chunks share one
	// JS object (as room.js's target.meta) and are not parsed per chunk.
	lastMetaRaw json.RawMessage
	lastMeta    js.Value

	// 0.25's action object (action025.go) and the handlers that route the
	// events to it (nil for a 0.18 action; func values so that 0.18-only
	// builds do not link them).
	obj          js.Value
	received25   func(transfer.Message, string)
	progressed25 func(float64, string, json.RawMessage)
	pending      pending025 // messages held until onMessage is set

	// A 0.25 request action (request025.go) and its onRequest.
	isRequest bool
	onRequest js.Value
}

func newJSAction(jr *jsRoom, name string) *jsAction {
	a := &jsAction{
		jr: jr, name: name, bound: make(chan struct{}),
		onReceive: js.Undefined(), onProgress: js.Undefined(), lastMeta: js.Undefined(),
	}
	a.send = asyncFunc(a.sendJS).Value
	a.setReceive = js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.mu.Lock()
		a.onReceive = arg(args, 0)
		a.mu.Unlock()
		return nil
	}).Value
	a.setProgress = js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.mu.Lock()
		a.onProgress = arg(args, 0)
		a.mu.Unlock()
		return nil
	}).Value
	return a
}

// triple is makeAction's answer: [send, onReceive, onProgress].
func (a *jsAction) triple() js.Value {
	return jsArray.Call("of", a.send, a.setReceive, a.setProgress)
}

// bind makes the Go action and routes its events to the JS callbacks.
func (a *jsAction) bind(r *posthorn.Room, err error) {
	switch {
	case err != nil:
		a.err = err
	case a.isRequest:
		a.a, a.err = r.MakeRequestAction(a.name)
	default:
		a.a, a.err = r.MakeAction(a.name)
	}
	if a.a != nil {
		a.a.OnReceive(a.received)
		a.a.OnProgress(a.progressed)
	}
	close(a.bound)
	if a.a != nil && a.isRequest {
		a.installHandler()
	}
}

func (a *jsAction) action() (*posthorn.Action, error) {
	<-a.bound
	return a.a, a.err
}

// received hands a whole message to the receiver: (data, peerId, metadata)
// for binary data, (data, peerId) otherwise (protocol-0.18 §5.4 step 5).
func (a *jsAction) received(m transfer.Message, id string) {
	if a.received25 != nil {
		a.received25(m, id)
		return
	}
	a.mu.Lock()
	f := a.onReceive
	a.mu.Unlock()
	if f.Type() != js.TypeFunction {
		return
	}
	safely(func() {
		if m.Kind == transfer.KindBinary {
			call(f, toJS(m), id, metaToJS(m.Meta))
		} else {
			call(f, toJS(m), id)
		}
	})
}

// progressed reports a received chunk: (percent, peerId, metadata).
func (a *jsAction) progressed(pct float64, id string, meta json.RawMessage) {
	if a.progressed25 != nil {
		a.progressed25(pct, id, meta)
		return
	}
	a.mu.Lock()
	f := a.onProgress
	a.mu.Unlock()
	if f.Type() != js.TypeFunction {
		return
	}
	safely(func() {
		a.mu.Lock()
		if !bytes.Equal(meta, a.lastMetaRaw) || (meta == nil) != (a.lastMetaRaw == nil) {
			a.lastMetaRaw = append(json.RawMessage(nil), meta...)
			if meta == nil {
				a.lastMetaRaw = nil
			}
			a.lastMeta = metaToJS(meta)
		}
		mv := a.lastMeta
		a.mu.Unlock()
		call(f, pct, id, mv)
	})
}

// sendJS is the sender: send(data, targetPeers, metadata, onProgress). It
// returns a Promise that resolves when every target has been sent every
// chunk, with one undefined per target (room.js's Promise.all). Its
// argument checks reject the Promise, since room.js's sender is async. A
// target that leaves before it got every chunk rejects it too, naming the
// peer (room.js resolves and the app never learns the message was cut).
//
// Every argument is converted before anything is sent; a conversion that
// throws (a BigInt64Array, which Uint8Array refuses, a target whose
// toString throws) rejects the Promise (asyncFunc) and sends nothing.
func (a *jsAction) sendJS(_ js.Value, args []js.Value) js.Value {
	data, targetsArg, meta, onProgress := arg(args, 0), arg(args, 1), arg(args, 2), arg(args, 3)
	out, err := convertSend(data, meta)
	if err != nil {
		return rejected(err)
	}
	targets := targetIDs(targetsArg)
	opts := &posthorn.SendOptions{Targets: targets, Meta: out.meta}
	if targets != nil && len(targets) == 0 {
		opts.Targets = []string{} // an empty array: nobody
	}
	if onProgress.Type() == js.TypeFunction {
		opts.OnProgress = func(pct float64, id string) { call(onProgress, pct, id, meta) }
	}
	if out.meta == nil {
		opts.Meta = nil
	}
	return newPromise(func() (any, error) {
		act, err := a.action()
		if err != nil {
			return nil, err
		}
		payload := out.data
		if !out.blob.IsUndefined() {
			b, err := readBlob(out.blob)
			if err != nil {
				return nil, err
			}
			payload = b
		}
		n := peerCount(a.jr.r, opts.Targets)
		if err := act.Send(context.Background(), payload, opts); err != nil {
			if errors.Is(err, posthorn.ErrLeft) {
				// room.js: after leave there are no peers to send to.
				return undefinedArray(0), nil
			}
			return nil, err
		}
		return undefinedArray(n), nil
	})
}
