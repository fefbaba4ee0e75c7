//go:build js && wasm

package jsapi

import (
	"context"
	"encoding/json"
	"errors"
	"syscall/js"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/transfer"
)

// Bounds of the messages a 0.25 action holds while its onMessage is unset
// (0.25 delivers them once it is set): a remote peer fills this, so it is
// bounded in count and bytes; messages beyond are dropped with a warning.
const (
	maxPending025      = 256
	maxPendingBytes025 = 4 << 20
)

type pendingMsg struct {
	m  transfer.Message
	id string
}

type pending025 struct {
	msgs  []pendingMsg
	bytes int
}

// newAction025 makes 0.25's action object: send(data, options) and the
// onMessage and onReceiveProgress properties, initialised from conf.
func newAction025(jr *jsRoom, name string, conf js.Value) *jsAction {
	a := &jsAction{
		jr: jr, name: name, bound: make(chan struct{}),
		onReceive: funcOption(conf, "onMessage"), onProgress: funcOption(conf, "onReceiveProgress"), lastMeta: js.Undefined(),
	}
	a.received25, a.progressed25 = a.received025, a.progressed025
	o := jsObject.New()
	o.Set("send", asyncFunc(a.send025))
	a.defineCallback025(o, "onMessage", &a.onReceive, a.setOnMessage)
	a.defineCallback025(o, "onReceiveProgress", &a.onProgress, nil)
	a.obj = o
	return a
}

// setOnMessage installs f and hands it the messages held so far.
func (a *jsAction) setOnMessage(f js.Value) {
	a.mu.Lock()
	a.onReceive = f
	var held []pendingMsg
	if f.Type() == js.TypeFunction {
		held, a.pending = a.pending.msgs, pending025{}
	}
	a.mu.Unlock()
	for _, p := range held {
		deliver025(f, p.m, p.id)
	}
}

// received025 calls onMessage(data, {peerId, metadata}), or holds the
// message while onMessage is unset.
func (a *jsAction) received025(m transfer.Message, id string) {
	a.mu.Lock()
	f := a.onReceive
	if f.Type() != js.TypeFunction {
		n := len(m.Data) + len(m.Meta)
		if len(a.pending.msgs) >= maxPending025 || a.pending.bytes+n > maxPendingBytes025 {
			a.mu.Unlock()
			js.Global().Get("console").Call("warn", "posthorn: action "+a.name+": no onMessage yet and too much held; dropped a message from "+id)
			return
		}
		a.pending.msgs = append(a.pending.msgs, pendingMsg{m, id})
		a.pending.bytes += n
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	deliver025(f, m, id)
}

func deliver025(f js.Value, m transfer.Message, id string) {
	safely(func() { call(f, toJS(m), context025(id, m.Meta)) })
}

// progressed025 calls onReceiveProgress(progress, {peerId, metadata}).
func (a *jsAction) progressed025(pct float64, id string, meta json.RawMessage) {
	a.mu.Lock()
	f := a.onProgress
	a.mu.Unlock()
	if f.Type() == js.TypeFunction {
		safely(func() { call(f, pct, context025(id, meta)) })
	}
}

// context025 is 0.25's {peerId, metadata}: metadata only when the sender
// gave some.
func context025(id string, meta json.RawMessage) js.Value {
	o := jsObject.New()
	o.Set("peerId", id)
	if len(meta) > 0 {
		o.Set("metadata", metaToJS(meta))
	}
	return o
}

// send025 is 0.25's action.send(data, {target, metadata, onProgress,
// signal}): a Promise of undefined, settled when every target has been
// handed every chunk. metadata goes with any kind of data; onProgress gets
// (progress, {peerId, metadata}); an aborted signal rejects it with an
// AbortError and stops the sending.
func (a *jsAction) send025(_ js.Value, args []js.Value) js.Value {
	data, opts := arg(args, 0), arg(args, 1)
	target, meta, onProgress, signal := option(opts, "target"), option(opts, "metadata"), option(opts, "onProgress"), option(opts, "signal")
	if signal.Type() == js.TypeObject && signal.Get("aborted").Truthy() {
		return rejected(errAborted)
	}
	if data.IsUndefined() {
		return rejected(errDataUndefined)
	}
	var out outgoing
	if err := convertData(data, &out); err != nil {
		return rejected(err)
	}
	sendOpts := &posthorn.SendOptions{Targets: targetIDs(target)}
	var metaRaw json.RawMessage
	if !meta.IsUndefined() {
		s := jsJSON.Call("stringify", meta)
		if s.Type() != js.TypeString {
			return rejected(errNotJSON)
		}
		metaRaw = json.RawMessage(s.String())
		sendOpts.Meta = metaRaw
	}
	if onProgress.Type() == js.TypeFunction {
		sendOpts.OnProgress = func(pct float64, id string) { call(onProgress, pct, context025(id, metaRaw)) }
	}
	ctx, cancel := context.WithCancel(context.Background())
	var onAbort js.Func
	if signal.Type() == js.TypeObject {
		onAbort = js.FuncOf(func(js.Value, []js.Value) any { cancel(); return nil })
		signal.Call("addEventListener", "abort", onAbort)
	}
	return newPromise(func() (any, error) {
		defer func() {
			cancel()
			if signal.Type() == js.TypeObject {
				signal.Call("removeEventListener", "abort", onAbort)
				onAbort.Release()
			}
		}()
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
		err = act.Send(ctx, payload, sendOpts)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, errAborted
		case errors.Is(err, posthorn.ErrLeft):
			return js.Undefined(), nil
		case err != nil:
			return nil, err
		}
		return js.Undefined(), nil
	})
}

// defineCallback025 defines one of 0.25's callback properties on o:
// reading it returns *slot; assigning it calls set, or with a nil set
// stores the value in *slot.
func (a *jsAction) defineCallback025(o js.Value, name string, slot *js.Value, set func(js.Value)) {
	if set == nil {
		set = func(f js.Value) {
			a.mu.Lock()
			*slot = f
			a.mu.Unlock()
		}
	}
	defineAccessor(o, name, func() js.Value {
		a.mu.Lock()
		defer a.mu.Unlock()
		return *slot
	}, set)
}
