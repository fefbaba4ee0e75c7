//go:build js && wasm

package jsapi

import (
	"strings"
	"syscall/js"
	"testing"
)

// The 0.25 request action's options are read with Reflect.get, so a getter
// that throws rejects the call (or throws from makeAction) and the Go
// program keeps running: Value.Get has no catch, and a throw inside it
// used to take the whole wasm down.
func TestRequest025RefusesThrowingOptions(t *testing.T) {
	jr := newRoom025(&module{}, "room", false)
	room := jr.obj
	act := room.Call("makeAction", "ask", eval(`({kind: 'request'})`))
	evil := func(name string) js.Value {
		return eval(`({get ` + name + `() { throw new Error('evil ` + name + `') }, targets: []})`)
	}
	for _, tt := range []struct {
		name string
		f    js.Value
		args []any
		want string
	}{
		{"request signal", act.Get("request"), []any{"hi", evil("signal")}, "rejected: evil signal"},
		{"request target", act.Get("request"), []any{"hi", evil("target")}, "rejected: evil target"},
		{"request metadata", act.Get("request"), []any{"hi", evil("metadata")}, "rejected: evil metadata"},
		{"request timeoutMs", act.Get("request"), []any{"hi", evil("timeoutMs")}, "rejected: evil timeoutMs"},
		{"request onProgress", act.Get("request"), []any{"hi", evil("onProgress")}, "rejected: evil onProgress"},
		{"request aborted", act.Get("request"), []any{"hi", eval(`({signal: {get aborted() { throw new Error('evil aborted') }}})`)}, "rejected: evil aborted"},
		{"requestMany targets", act.Get("requestMany"), []any{"hi", eval(`({get targets() { throw new Error('evil targets') }})`)}, "rejected: evil targets"},
		{"requestMany onResult", act.Get("requestMany"), []any{"hi", evil("onResult")}, "rejected: evil onResult"},
		{"makeAction kind", room.Get("makeAction"), []any{"other", evil("kind")}, "threw: evil kind"},
		{"makeAction onRequest", room.Get("makeAction"), []any{"third", eval(`({kind: 'request', get onRequest() { throw new Error('evil onRequest') }})`)}, "threw: evil onRequest"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := outcome(t, tt.f, tt.args...); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
