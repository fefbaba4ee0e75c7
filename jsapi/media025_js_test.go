//go:build js && wasm

package jsapi

import (
	"encoding/json"
	"strings"
	"syscall/js"
	"testing"
)

// The 0.25 room's media methods with options that throw, or metadata with
// no JSON form: a throwing target throws from the call (the removers
// included, which otherwise return undefined), metadata without JSON form
// rejects the adders' promise, and the Go program keeps running. An
// unknown target gives an empty array, as in Trystero 0.25.
func TestRoom025MediaRefusesBadInput(t *testing.T) {
	jr := newRoom025(&module{}, "room", false)
	room := jr.obj
	evil := eval(`({get target() { throw new Error('evil target') }})`)
	evilID := eval(`({target: {toString() { throw new Error('evil toString') }}})`)
	for _, tt := range []struct {
		name string
		f    string
		args []any
		want string
	}{
		{"addStream evil options", "addStream", []any{js.Undefined(), evil}, "threw: evil target"},
		{"addStream evil target", "addStream", []any{js.Undefined(), evilID}, "threw: evil toString"},
		{"addTrack evil options", "addTrack", []any{js.Undefined(), js.Undefined(), evil}, "threw: evil target"},
		{"replaceTrack evil options", "replaceTrack", []any{js.Undefined(), js.Undefined(), evil}, "threw: evil target"},
		{"removeStream evil options", "removeStream", []any{js.Undefined(), evil}, "threw: evil target"},
		{"removeTrack evil target", "removeTrack", []any{js.Undefined(), evilID}, "threw: evil toString"},
		{"removeTrack unknown target", "removeTrack", []any{js.Undefined(), eval(`({target: 'nobody'})`)}, "returned"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := outcome(t, room.Get(tt.f), tt.args...); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// mediaMeta025 keeps 0.25's rule: only undefined means no metadata.
func TestMediaMeta025(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		err      bool
	}{
		{"undefined", "<nil>", false},
		{"null", "null", false},
		{"false", "false", false},
		{"0", "0", false},
		{`({a: [1]})`, `{"a":[1]}`, false},
		{"() => 1", "", true},
	} {
		m, err := mediaMeta025(eval(tt.in))
		got := "<nil>"
		if r, ok := m.(json.RawMessage); ok {
			got = string(r)
		}
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("mediaMeta025(%s) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
