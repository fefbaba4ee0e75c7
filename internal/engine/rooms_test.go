package engine

import (
	"errors"
	"testing"

	"github.com/posthorn/posthorn"
)

func TestRoomsJoinIsIdempotentUntilLeave(t *testing.T) {
	var rooms Rooms
	created := 0
	create := func(forget func()) (*posthorn.Room, error) {
		created++
		return posthorn.New(posthorn.Options{OnLeave: forget}), nil
	}
	cfg := Config{AppID: "app"}
	a, err := rooms.Join(cfg, "lobby", create)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := rooms.Join(Config{AppID: "another-app"}, "lobby", create)
	if a != b || created != 1 {
		t.Fatalf("second join made a new room (created %d)", created)
	}
	c, _ := rooms.Join(cfg, "other", create)
	if c == a {
		t.Fatal("different namespaces share a room")
	}
	a.Leave()
	d, _ := rooms.Join(cfg, "lobby", create)
	if d == a || created != 3 {
		t.Fatalf("join after leave returned the left room (created %d)", created)
	}
}

func TestRoomsJoinChecksArguments(t *testing.T) {
	var rooms Rooms
	create := func(func()) (*posthorn.Room, error) { return posthorn.New(posthorn.Options{}), nil }
	for _, tc := range []struct {
		cfg  Config
		ns   string
		want error
	}{
		{Config{}, "lobby", ErrAppIDRequired},
		{Config{AppID: "app"}, "", ErrNamespaceRequired},
	} {
		if _, err := rooms.Join(tc.cfg, tc.ns, create); !errors.Is(err, tc.want) {
			t.Errorf("Join(%+v, %q) = %v, want %v", tc.cfg, tc.ns, err, tc.want)
		}
	}
	boom := errors.New("boom")
	if _, err := rooms.Join(Config{AppID: "a"}, "x", func(func()) (*posthorn.Room, error) { return nil, boom }); err != boom {
		t.Fatalf("create error not returned: %v", err)
	}
}

func TestRoomsLeaveAll(t *testing.T) {
	var rooms Rooms
	left := 0
	create := func(forget func()) (*posthorn.Room, error) {
		return posthorn.New(posthorn.Options{OnLeave: func() { left++; forget() }}), nil
	}
	a, _ := rooms.Join(Config{AppID: "app"}, "a", create)
	rooms.Join(Config{AppID: "app"}, "b", create)
	rooms.LeaveAll()
	if left != 2 {
		t.Fatalf("%d rooms left, want 2", left)
	}
	if _, err := a.Ping(t.Context(), "anyone"); !errors.Is(err, posthorn.ErrLeft) {
		t.Fatalf("Ping in a room left by LeaveAll: %v, want posthorn.ErrLeft", err)
	}
	c, _ := rooms.Join(Config{AppID: "app"}, "a", create)
	if c == a {
		t.Fatal("Join after LeaveAll returned the left room")
	}
	rooms.LeaveAll() // leaves c
	if left != 3 {
		t.Fatalf("%d rooms left, want 3", left)
	}
}
