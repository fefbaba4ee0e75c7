//go:build js && wasm

package peer

import (
	"fmt"
	"syscall/js"
)

// jsCall calls v[method](args...) and turns a thrown JS exception into an error.
func jsCall(v js.Value, method string, args ...any) (res js.Value, err error) {
	defer catch(&err)
	return v.Call(method, args...), nil
}

// jsNew calls new ctor(args...) and turns a thrown JS exception into an error.
func jsNew(ctor js.Value, args ...any) (res js.Value, err error) {
	defer catch(&err)
	return ctor.New(args...), nil
}

// catch, deferred, turns a panic (syscall/js panics with a js.Error when
// the JS side throws) into *err.
func catch(err *error) {
	if r := recover(); r != nil {
		if jerr, ok := r.(js.Error); ok {
			*err = jerr
			return
		}
		*err = fmt.Errorf("%v", r)
	}
}

// handlers keeps the js.Funcs set as on<event> properties of one object, so
// they can be detached and released together.
type handlers struct {
	target js.Value
	names  []string
	funcs  []js.Func
}

// set installs f as target["on"+event]. f runs inside the browser's event
// dispatch and must not block: it only reads values and enqueues.
func (h *handlers) set(event string, f func(ev js.Value)) {
	fn := js.FuncOf(func(this js.Value, args []js.Value) any {
		ev := js.Undefined()
		if len(args) > 0 {
			ev = args[0]
		}
		f(ev)
		return nil
	})
	h.target.Set("on"+event, fn)
	h.names = append(h.names, event)
	h.funcs = append(h.funcs, fn)
}

// release detaches every handler (so no event can reach a released func)
// and releases them.
func (h *handlers) release() {
	for i, name := range h.names {
		h.target.Set("on"+name, js.Null())
		h.funcs[i].Release()
	}
	h.names, h.funcs = nil, nil
}

// optString returns a pointer to v's string, nil for null/undefined.
func optString(v js.Value) *string {
	if v.IsNull() || v.IsUndefined() {
		return nil
	}
	s := v.String()
	return &s
}

// optUint16 returns a pointer to v's number, nil for null/undefined.
func optUint16(v js.Value) *uint16 {
	if v.Type() != js.TypeNumber {
		return nil
	}
	n := uint16(v.Int())
	return &n
}
