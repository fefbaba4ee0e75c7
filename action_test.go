package posthorn

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/roomlink"
)

// These tests need no peer connection: they run outside the netns too.

func TestMakeActionIdempotent(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger()})
	a1, err := r.MakeAction("chat")
	if err != nil {
		t.Fatal(err)
	}
	a2, err := r.MakeAction("chat")
	if err != nil || a1 != a2 {
		t.Fatalf("second MakeAction = %p, %v; want %p", a2, err, a1)
	}
	if a1.Name() != "chat" {
		t.Errorf("Name() = %q", a1.Name())
	}
	other, _ := r.MakeAction("twelve-bytes")
	if other == a1 {
		t.Error("different names share an action")
	}
}

func TestMakeActionErrors(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger()})
	tests := []struct {
		name   string
		err    error
		jsText string
	}{
		{"", chunk.ErrEmptyAction, "Trystero: action type argument is required"},
		{"thirteen-byte", chunk.ErrActionTooLong,
			`Trystero: action type string "thirteen-byte" (13b) exceeds byte limit (12). Hint: choose a shorter name.`},
		{"ééééééé", chunk.ErrActionTooLong, // 7 runes, 14 bytes
			`Trystero: action type string "ééééééé" (14b) exceeds byte limit (12). Hint: choose a shorter name.`},
		{"__91n6__", ErrReservedAction, ""},
		{"__90n6__", ErrReservedAction, ""},
		{"__516n4L__", ErrReservedAction, ""},
		{"__57r34m__", ErrReservedAction, ""},
		{"__7r4ck__", ErrReservedAction, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := r.MakeAction(tc.name)
			if !errors.Is(err, tc.err) || a != nil {
				t.Fatalf("MakeAction(%q) = %v, %v; want %v", tc.name, a, err, tc.err)
			}
			msg, ok := JSMessage(err)
			if ok != (tc.jsText != "") || msg != tc.jsText {
				t.Errorf("JSMessage = %q, %v; want %q", msg, ok, tc.jsText)
			}
		})
	}
	// twelve bytes exactly is fine, also in multi-byte characters
	for _, ok := range []string{"123456789012", "éééééé"} {
		if _, err := r.MakeAction(ok); err != nil {
			t.Errorf("MakeAction(%q) = %v", ok, err)
		}
	}
}

func TestSendArgumentErrors(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger()})
	a, _ := r.MakeAction("chat")
	tests := []struct {
		name   string
		data   any
		meta   any
		err    error
		jsText string
	}{
		{"meta with string", "hi", map[string]int{"a": 1}, chunk.ErrMetaNotBinary,
			"Trystero: action meta argument can only be used with binary data"},
		{"meta with json", map[string]int{"a": 1}, []int{1}, chunk.ErrMetaNotBinary,
			"Trystero: action meta argument can only be used with binary data"},
		{"string meta", []byte{1}, "name", chunk.ErrMetaNotObject,
			"Trystero: action meta argument must be an object"},
		{"number meta", []byte{1}, 3, chunk.ErrMetaNotObject,
			"Trystero: action meta argument must be an object"},
		{"true meta", []byte{1}, true, chunk.ErrMetaNotObject,
			"Trystero: action meta argument must be an object"},
		{"raw string meta", []byte{1}, json.RawMessage(`"x"`), chunk.ErrMetaNotObject,
			"Trystero: action meta argument must be an object"},
		{"bad raw meta", []byte{1}, json.RawMessage(`{`), chunk.ErrBadMeta, ""},
		{"bad raw data", json.RawMessage(`{"a":`), nil, chunk.ErrBadJSON, ""},
		{"unmarshallable data", make(chan int), nil, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := a.Send(t.Context(), tc.data, &SendOptions{Meta: tc.meta})
			if err == nil || (tc.err != nil && !errors.Is(err, tc.err)) {
				t.Fatalf("Send = %v, want %v", err, tc.err)
			}
			msg, ok := JSMessage(err)
			if ok != (tc.jsText != "") || msg != tc.jsText {
				t.Errorf("JSMessage = %q, %v; want %q", msg, ok, tc.jsText)
			}
		})
	}
	// Falsy metadata means "none", with any data (room.js: `if (meta && ...)`).
	for _, meta := range []any{nil, false, 0, "", json.RawMessage("null")} {
		if err := a.Send(t.Context(), "hi", &SendOptions{Meta: meta}); err != nil {
			t.Errorf("Send with falsy meta %#v = %v", meta, err)
		}
	}
}

func TestSendWithoutPeers(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger()})
	a, _ := r.MakeAction("chat")
	if err := a.Send(t.Context(), []byte("x"), nil); err != nil {
		t.Fatalf("Send to nobody = %v", err)
	}
	if err := a.Send(t.Context(), "x", &SendOptions{Targets: []string{"nobody"}}); err != nil {
		t.Fatalf("Send to unknown target = %v", err)
	}
	if _, err := r.Ping(t.Context(), "nobody"); !errors.Is(err, ErrUnknownPeer) {
		t.Fatalf("Ping(nobody) = %v", err)
	}
	if msg, ok := JSMessage(ErrPingID); !ok || msg != "Trystero: ping() must be called with target peer ID" {
		t.Errorf("JSMessage(ErrPingID) = %q", msg)
	}
}

func TestLeaveWithoutPeers(t *testing.T) {
	calls := 0
	r := newRoom(roomlink.Options{Logger: quietLogger(), OnLeave: func() { calls++ }})
	a, _ := r.MakeAction("chat")
	for range 3 {
		if err := r.Leave(); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 {
		t.Errorf("OnLeave called %d times", calls)
	}
	if err := a.Send(t.Context(), "x", nil); !errors.Is(err, ErrLeft) {
		t.Errorf("Send after Leave = %v", err)
	}
}

func TestJSFalsy(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{{"null", true}, {"false", true}, {"0", true}, {"-0", true}, {"0.0", true}, {`""`, true},
		{"true", false}, {"1", false}, {`"x"`, false}, {"{}", false}, {"[]", false}} {
		if got := jsFalsy([]byte(tc.in)); got != tc.want {
			t.Errorf("jsFalsy(%s) = %v", tc.in, got)
		}
	}
}
