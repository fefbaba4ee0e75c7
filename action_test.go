package posthorn

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/transfer"
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
		name string
		err  error
	}{
		{"", transfer.ErrEmptyAction},
		{"thirteen-byte", transfer.ErrActionTooLong},
		{"ééééééé", transfer.ErrActionTooLong}, // 7 runes, 14 bytes
		{"__91n6__", ErrReservedAction},
		{"__90n6__", ErrReservedAction},
		{"__516n4L__", ErrReservedAction},
		{"__57r34m__", ErrReservedAction},
		{"__7r4ck__", ErrReservedAction},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := r.MakeAction(tc.name)
			if !errors.Is(err, tc.err) || a != nil {
				t.Fatalf("MakeAction(%q) = %v, %v; want %v", tc.name, a, err, tc.err)
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

// A 0.25 room takes names of up to 32 bytes and refuses every internal name
// of its profile, including those it has no handler for yet.
func TestMakeActionErrors025(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger(), Profile: &profile.V025})
	for name, want := range map[string]error{
		"@_ping": ErrReservedAction, "@_pong": ErrReservedAction, "@_signal": ErrReservedAction,
		"@_stream": ErrReservedAction, "@_track": ErrReservedAction, "@_leave": ErrReservedAction,
		"@_hsdata": ErrReservedAction, "@_hsready": ErrReservedAction, "@_response": ErrReservedAction,
		"123456789012345678901234567890123": transfer.ErrActionTooLong,
	} {
		if a, err := r.MakeAction(name); !errors.Is(err, want) || a != nil {
			t.Errorf("MakeAction(%q) = %v, %v; want %v", name, a, err, want)
		}
	}
	for _, ok := range []string{"12345678901234567890123456789012", "__91n6__", "thirteen-byte"} {
		if _, err := r.MakeAction(ok); err != nil {
			t.Errorf("MakeAction(%q) = %v", ok, err)
		}
	}
}

func TestSendArgumentErrors(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger()})
	a, _ := r.MakeAction("chat")
	tests := []struct {
		name string
		data any
		meta any
		err  error
	}{
		{"meta with string", "hi", map[string]int{"a": 1}, transfer.ErrMetaNotBinary},
		{"meta with json", map[string]int{"a": 1}, []int{1}, transfer.ErrMetaNotBinary},
		{"string meta", []byte{1}, "name", transfer.ErrMetaNotObject},
		{"number meta", []byte{1}, 3, transfer.ErrMetaNotObject},
		{"true meta", []byte{1}, true, transfer.ErrMetaNotObject},
		{"raw string meta", []byte{1}, json.RawMessage(`"x"`), transfer.ErrMetaNotObject},
		{"false meta", []byte{1}, false, transfer.ErrMetaNotObject},
		{"null raw meta", []byte{1}, json.RawMessage("null"), transfer.ErrMetaNotObject},
		{"bad raw meta", []byte{1}, json.RawMessage(`{`), transfer.ErrBadMeta},
		{"bad raw data", json.RawMessage(`{"a":`), nil, transfer.ErrBadJSON},
		{"unmarshallable data", make(chan int), nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := a.Send(t.Context(), tc.data, &SendOptions{Meta: tc.meta})
			if err == nil || (tc.err != nil && !errors.Is(err, tc.err)) {
				t.Fatalf("Send = %v, want %v", err, tc.err)
			}
		})
	}
	// nil means no metadata, with any data.
	if err := a.Send(t.Context(), "hi", &SendOptions{Meta: nil}); err != nil {
		t.Errorf("Send with nil meta = %v", err)
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
