//go:build js && wasm

package jsapi

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"syscall/js"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/transfer"
)

var jsAbortController = js.Global().Get("AbortController")

// newRequestAction025 makes 0.25's request action object: request(data,
// options), requestMany(data, options) and the onRequest and
// onReceiveProgress properties, initialised from conf.
func newRequestAction025(jr *jsRoom, name string, conf js.Value) *jsAction {
	a := &jsAction{
		jr: jr, name: name, bound: make(chan struct{}), isRequest: true, onReceive: js.Null(),
		onProgress: funcOption(conf, "onReceiveProgress"), onRequest: funcOption(conf, "onRequest"), lastMeta: js.Undefined(),
	}
	// Requests go to the Go handler; only progress reaches JS this way.
	a.received25, a.progressed25 = func(transfer.Message, string) {}, a.progressed025
	o := jsObject.New()
	o.Set("request", asyncFunc(a.request025))
	o.Set("requestMany", asyncFunc(a.requestMany025))
	a.defineCallback025(o, "onRequest", &a.onRequest, a.setOnRequest)
	a.defineCallback025(o, "onReceiveProgress", &a.onProgress, nil)
	a.obj = o
	return a
}

// setOnRequest installs f as the request handler, at once if the action
// is bound (bind installs it otherwise).
func (a *jsAction) setOnRequest(f js.Value) {
	a.mu.Lock()
	a.onRequest = f
	a.mu.Unlock()
	select {
	case <-a.bound:
		if a.a != nil {
			a.installHandler()
		}
	default:
	}
}

// installHandler gives the bound Go action a handler while onRequest is a
// function, and none otherwise: requests then wait 500 ms for one, as in
// JS.
func (a *jsAction) installHandler() {
	a.mu.Lock()
	set := a.onRequest.Type() == js.TypeFunction
	a.mu.Unlock()
	if set {
		_ = a.a.OnRequest(a.serve025)
	} else {
		_ = a.a.OnRequest(nil)
	}
}

// serve025 runs onRequest(data, {peerId, metadata, signal}) on a request
// and returns its result, awaited when it is a promise. The signal aborts
// once the handler has settled or the peer has left. What the handler
// throws, or a result of undefined, becomes the failure message the
// requester sees, worded as JS words it (toErrorMessage).
func (a *jsAction) serve025(ctx context.Context, req transfer.Message, id string) (any, error) {
	a.mu.Lock()
	f := a.onRequest
	a.mu.Unlock()
	if f.Type() != js.TypeFunction {
		return nil, errors.New(requestFailed025)
	}
	ac := jsAbortController.New()
	stop := context.AfterFunc(ctx, func() { ac.Call("abort") })
	defer func() {
		stop()
		ac.Call("abort")
	}()
	c := context025(id, req.Meta)
	c.Set("signal", ac.Get("signal"))
	v, err := protect(func() (any, error) {
		r := f.Invoke(toJS(req), c)
		if r.Type() == js.TypeObject && option(r, "then").Type() == js.TypeFunction {
			return await(r)
		}
		return r, nil
	})
	if err != nil {
		if err.Error() == "" {
			return nil, errors.New(requestFailed025)
		}
		return nil, &jsErrorText{errorText(err)}
	}
	res := v.(js.Value)
	if res.IsUndefined() {
		return nil, &jsErrorText{undefinedResponse025}
	}
	var out outgoing
	if err := convertData(res, &out); err != nil {
		return nil, err
	}
	if !out.blob.IsUndefined() {
		return readBlob(out.blob)
	}
	return out.data, nil
}

// requestArgs is one request's or requestMany's converted arguments.
type requestArgs struct {
	data       any
	blob       js.Value
	opts       *posthorn.RequestOptions
	signal     js.Value
	onProgress js.Value
}

// convertRequest converts data and options' metadata, timeoutMs and
// onProgress; the signal is checked by the caller.
func convertRequest(data, opts js.Value) (requestArgs, error) {
	ra := requestArgs{opts: &posthorn.RequestOptions{}, signal: js.Undefined(), blob: js.Undefined()}
	if data.IsUndefined() {
		return ra, errDataUndefined
	}
	var out outgoing
	if err := convertData(data, &out); err != nil {
		return ra, err
	}
	ra.data, ra.blob = out.data, out.blob
	if opts.Type() != js.TypeObject {
		return ra, nil
	}
	ra.signal = option(opts, "signal")
	if meta := option(opts, "metadata"); !meta.IsUndefined() {
		s := jsJSON.Call("stringify", meta)
		if s.Type() != js.TypeString {
			return ra, errNotJSON
		}
		ra.opts.Meta = json.RawMessage(s.String())
	}
	if t := option(opts, "timeoutMs"); t.Type() == js.TypeNumber {
		// JS's setTimeout fires at once for 0, negative or NaN delays.
		ms := t.Float()
		if !(ms >= 1) {
			ms = 1
		}
		ra.opts.Timeout = time.Duration(ms * float64(time.Millisecond))
	}
	if f := option(opts, "onProgress"); f.Type() == js.TypeFunction {
		meta := option(opts, "metadata")
		ra.onProgress = f
		ra.opts.OnProgress = func(pct float64, id string) {
			c := jsObject.New()
			c.Set("peerId", id)
			if !meta.IsUndefined() {
				c.Set("metadata", meta)
			}
			call(f, pct, c)
		}
	}
	return ra, nil
}

// aborted reports whether signal is an AbortSignal that has fired.
func aborted(signal js.Value) bool {
	return signal.Type() == js.TypeObject && option(signal, "aborted").Truthy()
}

// abortContext returns a context cancelled when signal aborts, and its
// release.
func abortContext(signal js.Value) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	if signal.Type() != js.TypeObject {
		return ctx, cancel
	}
	onAbort := js.FuncOf(func(js.Value, []js.Value) any { cancel(); return nil })
	signal.Call("addEventListener", "abort", onAbort)
	return ctx, func() {
		cancel()
		signal.Call("removeEventListener", "abort", onAbort)
		onAbort.Release()
	}
}

// payload returns the request's data, reading a Blob now.
func (ra *requestArgs) payload() (any, error) {
	if ra.blob.IsUndefined() {
		return ra.data, nil
	}
	return readBlob(ra.blob)
}

// start025 runs f in a Promise with the bound action, the request's data
// (a Blob read by then) and a context that the request's AbortSignal
// cancels.
func (a *jsAction) start025(ra requestArgs, f func(ctx context.Context, act *posthorn.Action, data any) (any, error)) js.Value {
	ctx, release := abortContext(ra.signal)
	return newPromise(func() (any, error) {
		defer release()
		act, err := a.action()
		if err != nil {
			return nil, err
		}
		d, err := ra.payload()
		if err != nil {
			return nil, err
		}
		return f(ctx, act, d)
	})
}

// request025 is 0.25's request(data, {target, metadata, timeoutMs,
// onProgress, signal}): a Promise of the peer's response. It rejects with
// an Error whose kind is "rejected" (the peer's handler failed, or it had
// none), "timeout", "disconnected" (the peer is not there or left) or
// "aborted".
func (a *jsAction) request025(_ js.Value, args []js.Value) js.Value {
	data, opts := arg(args, 0), arg(args, 1)
	if aborted(option(opts, "signal")) {
		return rejected(errAborted)
	}
	target := ""
	if opts.Type() == js.TypeObject {
		target = jsString.Invoke(option(opts, "target")).String()
	}
	ra, err := convertRequest(data, opts)
	if err != nil {
		return rejected(err)
	}
	return a.start025(ra, func(ctx context.Context, act *posthorn.Action, d any) (any, error) {
		m, err := act.Request(ctx, target, d, ra.opts)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, errAborted
		case err != nil:
			return nil, requestError025(target, err)
		}
		return toJS(m), nil
	})
}

// requestMany025 is 0.25's requestMany(data, {targets, metadata,
// timeoutMs, onProgress, onResult, signal}): a Promise of one result per
// target, {peerId, status: "fulfilled", value}, {peerId, status:
// "rejected", error}, {peerId, status: "timeout"} or {peerId, status:
// "disconnected"}, each also given to onResult as it comes. An aborted
// signal rejects the whole Promise.
func (a *jsAction) requestMany025(_ js.Value, args []js.Value) js.Value {
	data, opts := arg(args, 0), arg(args, 1)
	if aborted(option(opts, "signal")) {
		return rejected(errAborted)
	}
	var targets []string
	onResult := js.Undefined()
	if opts.Type() == js.TypeObject {
		onResult = option(opts, "onResult")
		ts := option(opts, "targets")
		if !jsArray.Call("isArray", ts).Bool() {
			return rejected(errTargets025)
		}
		for i := range ts.Length() {
			targets = append(targets, jsString.Invoke(ts.Index(i)).String())
		}
	} else {
		return rejected(errTargets025)
	}
	ra, err := convertRequest(data, opts)
	if err != nil {
		return rejected(err)
	}
	return a.start025(ra, func(ctx context.Context, act *posthorn.Action, d any) (any, error) {
		type result struct {
			m   posthorn.Message
			err error
		}
		res := make([]result, len(targets))
		var wg sync.WaitGroup
		var mu sync.Mutex // onResult calls one at a time
		for i, id := range targets {
			wg.Go(func() {
				m, err := act.Request(ctx, id, d, ra.opts)
				res[i] = result{m, err}
				if ctx.Err() == nil && onResult.Type() == js.TypeFunction {
					mu.Lock()
					call(onResult, peerResult025(id, m, err))
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if ctx.Err() != nil {
			return nil, errAborted
		}
		out := jsArray.New(len(targets))
		for i, id := range targets {
			out.SetIndex(i, peerResult025(id, res[i].m, res[i].err))
		}
		return out, nil
	})
}

// peerResult025 is one requestMany result object.
func peerResult025(id string, m posthorn.Message, err error) js.Value {
	o := jsObject.New()
	o.Set("peerId", id)
	if err == nil {
		o.Set("status", "fulfilled")
		o.Set("value", toJS(m))
		return o
	}
	var ae *actionError
	e := requestError025(id, err)
	if errors.As(e, &ae) && ae.kind != "rejected" {
		o.Set("status", ae.kind)
		return o
	}
	o.Set("status", "rejected")
	o.Set("error", jsErr(e))
	return o
}
