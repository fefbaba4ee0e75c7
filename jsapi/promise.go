//go:build js && wasm

package jsapi

import (
	"errors"
	"fmt"
	"syscall/js"
)

var (
	jsObject     = js.Global().Get("Object")
	jsArray      = js.Global().Get("Array")
	jsError      = js.Global().Get("Error")
	jsPromise    = js.Global().Get("Promise")
	jsJSON       = js.Global().Get("JSON")
	jsUint8Array = js.Global().Get("Uint8Array")
	jsArrayBuf   = js.Global().Get("ArrayBuffer")
	jsString     = js.Global().Get("String")
)

// jsErr makes a JS Error for err, with Trystero's exact text when err has a
// JS twin (errorText).
func jsErr(err error) js.Value {
	e := jsError.New(errorText(err))
	var ae *actionError
	switch {
	case errors.Is(err, errAborted):
		e.Set("name", "AbortError")
		e.Set("kind", "aborted")
	case errors.As(err, &ae):
		e.Set("kind", ae.kind)
	}
	return e
}

// funcOf wraps f as a JS function (expose it with wrapThrowing). Go cannot
// throw into JS from a js.FuncOf callback (a panic kills the program), so
// an error f returns travels back in a marker object that the JS
// trampoline throws as a JS Error, the way the seed's synchronous
// functions throw.
func funcOf(f func(this js.Value, args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		v, err := protect(func() (any, error) { return f(this, args) })
		if err != nil {
			return throwMarker(jsErr(err))
		}
		return v
	})
}

// asyncFunc wraps f as the JS function of one of the seed's async
// functions: a throw in its synchronous part (such as a peer id whose
// toString throws) becomes a rejected Promise, as it does in an async
// function, instead of a Go panic that would stop the program.
func asyncFunc(f func(this js.Value, args []js.Value) js.Value) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		v, err := protect(func() (any, error) { return f(this, args), nil })
		if err != nil {
			return rejected(err)
		}
		return v
	})
}

// throwMarker packs e so that the trampoline (wrapThrowing) rethrows it.
func throwMarker(e js.Value) js.Value {
	m := jsObject.New()
	m.Set(throwKey, e)
	return m
}

// throwKey marks a return value the trampoline must throw.
const throwKey = "__posthornThrow"

// trampoline makes a JS function that calls fn and throws the Error fn
// returns in a marker, so synchronous checks throw like the seed's.
var trampoline = js.Global().Get("Function").New("fn", "k", `
return function (...a) {
  const r = fn.apply(this, a)
  if (r !== null && typeof r === 'object' && Object.prototype.hasOwnProperty.call(r, k)) throw r[k]
  return r
}`)

// wrapThrowing returns the JS function to expose for f.
func wrapThrowing(f js.Func) js.Value { return trampoline.Invoke(f, throwKey) }

// newPromise returns a Promise settled by run, which runs on its own
// goroutine: the js.FuncOf callback that calls newPromise never blocks.
// The Promise and its resolvers are made in JS (pending), so no Go
// executor callback runs inside new Promise.
func newPromise(run func() (any, error)) js.Value {
	pr := pending.Invoke()
	p, resolve, reject := pr.Index(0), pr.Index(1), pr.Index(2)
	go func() {
		v, err := protect(run)
		if err != nil {
			reject.Invoke(jsErr(err))
			return
		}
		resolve.Invoke(v)
	}()
	return p
}

// pending returns [promise, resolve, reject] for a new pending Promise.
var pending = js.Global().Get("Function").New(`
let resolve, reject
const p = new Promise((res, rej) => { resolve = res; reject = rej })
return [p, resolve, reject]`)

// rejected returns a Promise rejected with err, for checks the seed's async
// functions make before their first await.
func rejected(err error) js.Value { return jsPromise.Call("reject", jsErr(err)) }

// protect runs f, turning a panic (such as a js.Error from a throwing JS
// call) into an error.
func protect(f func() (any, error)) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if je, ok := p.(js.Error); ok {
				err = &jsErrorText{je.Value.Get("message").String()}
				return
			}
			err = fmt.Errorf("posthorn: %v", p)
		}
	}()
	return f()
}

// await blocks the calling goroutine (never a js.FuncOf callback) until the
// JS promise p settles.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg(args, 0)}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := arg(args, 0)
		msg := e.String()
		if e.Type() == js.TypeObject && e.Get("message").Type() == js.TypeString {
			msg = e.Get("message").String()
		}
		ch <- result{err: &jsErrorText{msg}}
		return nil
	})
	p.Call("then", then, catch)
	r := <-ch
	then.Release()
	catch.Release()
	return r.v, r.err
}

// arg returns args[i], or undefined when the caller passed fewer.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// call invokes the JS function f (if it is one) with args, logging instead
// of crashing when it throws: a user callback that throws must not take
// the Go program down.
func call(f js.Value, args ...any) {
	if f.Type() != js.TypeFunction {
		return
	}
	_, err := protect(func() (any, error) { return f.Invoke(args...), nil })
	if err != nil {
		js.Global().Get("console").Call("error", "posthorn: callback threw:", err.Error())
	}
}
