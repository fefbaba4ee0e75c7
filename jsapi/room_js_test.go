//go:build js && wasm

package jsapi

import (
	"strings"
	"syscall/js"
	"testing"
)

// outcome calls f(...args) in JS and describes what happened: "returned",
// "threw: <message>", or, for a Promise, "resolved" / "rejected: <message>"
// once it settles.
func outcome(t *testing.T, f js.Value, args ...any) string {
	t.Helper()
	try := eval(`(f, args) => { try { return {v: f(...args)} } catch (e) { return {e: String(e && e.message)} } }`)
	r := try.Invoke(f, js.ValueOf(args))
	if e := r.Get("e"); !e.IsUndefined() {
		return "threw: " + e.String()
	}
	v := r.Get("v")
	if v.Type() != js.TypeObject || v.Get("then").Type() != js.TypeFunction {
		return "returned"
	}
	if _, err := await(v); err != nil {
		return "rejected: " + err.Error()
	}
	return "resolved"
}

// A room's functions given input the seed refuses: Trystero's errors, as
// throws where the seed's function is synchronous and rejections where it
// is async, before anything is sent (this room never joins, so a call that
// went on to send would never settle), and the Go program keeps running
// (issue 15: a throwing toString as a peer id once stopped the runtime).
func TestRoomRefusesBadInput(t *testing.T) {
	jr := newJSRoom(&module{}, "room")
	room := jr.obj
	evil := eval(`({toString() { throw new Error('evil toString') }})`)
	send := room.Call("makeAction", "chat").Index(0)
	huge := eval(`Array.from({length: 100000}, (_, i) => 'peer' + i).concat([{toString() { throw new Error('evil toString') }}])`)
	tests := []struct {
		name string
		f    js.Value
		args []any
		want string
	}{
		{"ping evil id", room.Get("ping"), []any{evil}, "rejected: evil toString"},
		{"ping no id", room.Get("ping"), nil, "rejected: Trystero: ping() must be called with target peer ID"},
		{"makeAction evil name", room.Get("makeAction"), []any{evil}, "threw: evil toString"},
		{"makeAction empty", room.Get("makeAction"), []any{""}, "threw: Trystero: action type argument is required"},
		{"makeAction 13 bytes", room.Get("makeAction"), []any{"thirteen-byte"}, `threw: Trystero: action type string "thirteen-byte" (13b) exceeds byte limit (12). Hint: choose a shorter name.`},
		{"send evil target", send, []any{"hi", evil}, "rejected: evil toString"},
		{"send evil target in a list", send, []any{"hi", js.ValueOf([]any{"a", evil})}, "rejected: evil toString"},
		{"send huge list with an evil target", send, []any{"hi", huge}, "rejected: evil toString"},
		{"send undefined", send, []any{js.Undefined()}, "rejected: Trystero: action data cannot be undefined"},
		{"send non-object meta", send, []any{eval(`new Uint8Array(2)`), nil, 5}, "rejected: Trystero: action meta argument must be an object"},
		{"send meta with text", send, []any{"hi", nil, eval(`({a: 1})`)}, "rejected: Trystero: action meta argument can only be used with binary data"},
		{"send BigInt64Array", send, []any{eval(`new BigInt64Array(1)`)}, "rejected"},
		{"addStream evil target", room.Get("addStream"), []any{js.Undefined(), evil}, "threw: evil toString"},
		{"removeStream evil target", room.Get("removeStream"), []any{js.Undefined(), evil}, "threw: evil toString"},
		{"addTrack evil target", room.Get("addTrack"), []any{js.Undefined(), js.Undefined(), evil}, "threw: evil toString"},
		{"removeTrack evil target", room.Get("removeTrack"), []any{js.Undefined(), js.Undefined(), evil}, "threw: evil toString"},
		{"replaceTrack evil target", room.Get("replaceTrack"), []any{js.Undefined(), js.Undefined(), js.Undefined(), evil}, "threw: evil toString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outcome(t, tt.f, tt.args...); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// joinRoom throws Trystero's errors, and a throwing toString anywhere in its
// arguments, before it joins anything.
func TestJoinRoomRefusesBadInput(t *testing.T) {
	m := &module{rooms: map[string]*jsRoom{}, leaving: map[string]chan struct{}{}, name: "torrent"}
	join := wrapThrowing(funcOf(m.joinRoom))
	evil := `{toString() { throw new Error('evil toString') }}`
	tests := []struct {
		cfg, ns string
		want    string
	}{
		{`undefined`, `'r'`, "threw: Trystero: requires a config map as the first argument"},
		{`({})`, `'r'`, "threw: Trystero: config map is missing appId field"},
		{`({appId: 'a'})`, `''`, "threw: Trystero: namespace argument required"},
		{`({appId: 'a', trackerUrls: ['x']})`, `'r'`, "threw: Trystero: trackerUrls/trackerRedundancy have been replaced by relayUrls/relayRedundancy"},
		{`({appId: 'a'})`, "(" + evil + ")", "threw: evil toString"},
		{`({appId: ` + evil + `})`, `'r'`, "threw: evil toString"},
		{`({appId: 'a', password: ` + evil + `})`, `'r'`, "threw: evil toString"},
		{`({appId: 'a', relayUrls: ['ws://127.0.0.1:1/', ` + evil + `]})`, `'r'`, "threw: evil toString"},
	}
	for _, tt := range tests {
		if got := outcome(t, join, eval(tt.cfg), eval(tt.ns)); got != tt.want {
			t.Errorf("joinRoom(%s, %s): got %q, want %q", tt.cfg, tt.ns, got, tt.want)
		}
	}
	if len(m.rooms) != 0 {
		t.Fatalf("a refused joinRoom left %d rooms behind", len(m.rooms))
	}
}
