package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/posthorn/posthorn"
)

// joinQuiet joins roomID through sh with a start function that marks the
// room joined at once, as a strategy does once a relay took its
// announcement.
func joinQuiet(t *testing.T, sh *Shell, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	t.Helper()
	return sh.JoinRoom(t.Context(), cfg, roomID, func(s *Session) error {
		s.Joined()
		return nil
	})
}

func TestJoinRoomIsIdempotentUntilLeave(t *testing.T) {
	sh := NewShell(nil, posthorn.ReconnectPolicy{})
	cfg := posthorn.Config{AppID: "app"}
	a, err := joinQuiet(t, sh, cfg, "lobby")
	if err != nil {
		t.Fatal(err)
	}
	b, err := joinQuiet(t, sh, posthorn.Config{AppID: "another-app"}, "lobby")
	if err != nil || a != b {
		t.Fatalf("second join: %v, same room %v", err, a == b)
	}
	c, _ := joinQuiet(t, sh, cfg, "other")
	if c == a {
		t.Fatal("different room ids share a room")
	}
	_ = a.Leave()
	<-a.Done()
	d, _ := joinQuiet(t, sh, cfg, "lobby")
	if d == a {
		t.Fatal("join after leave returned the left room")
	}
	sh.LeaveAll()
	for _, r := range []*posthorn.Room{c, d} {
		select {
		case <-r.Done():
		default:
			t.Fatal("LeaveAll left a room open")
		}
	}
}

func TestJoinRoomChecksArguments(t *testing.T) {
	sh := NewShell(nil, posthorn.ReconnectPolicy{})
	for _, tc := range []struct {
		cfg  posthorn.Config
		room string
		want error
	}{
		{posthorn.Config{}, "lobby", posthorn.ErrNoAppID},
		{posthorn.Config{AppID: "app"}, "", posthorn.ErrNoRoomID},
		// a strategy without With025 refuses 0.25
		{posthorn.Config{AppID: "app", Protocol: posthorn.Protocol025}, "lobby", posthorn.ErrProtocol},
	} {
		if _, err := joinQuiet(t, sh, tc.cfg, tc.room); !errors.Is(err, tc.want) {
			t.Errorf("JoinRoom(%+v, %q) = %v, want %v", tc.cfg, tc.room, err, tc.want)
		}
	}
	r, err := joinQuiet(t, NewShell(nil, posthorn.ReconnectPolicy{}).With025(), posthorn.Config{AppID: "app", Protocol: posthorn.Protocol025}, "lobby")
	if err != nil {
		t.Fatalf("With025: %v", err)
	}
	_ = r.Leave()
	boom := errors.New("boom")
	if _, err := sh.JoinRoom(t.Context(), posthorn.Config{AppID: "a"}, "x", func(*Session) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("start error not returned: %v", err)
	}
}

// A join that no relay ever takes ends with ctx, leaves the room, and
// names the relays' failures.
func TestJoinRoomCtxBoundsTheWait(t *testing.T) {
	sh := NewShell(nil, posthorn.ReconnectPolicy{})
	ctx, cancel := context.WithCancel(t.Context())
	var room *posthorn.Room
	_, err := sh.JoinRoom(ctx, posthorn.Config{AppID: "a"}, "x", func(s *Session) error {
		room = s.Room()
		s.RelayFailed("ws://127.0.0.1:1", errors.New("connection refused"))
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "ws://127.0.0.1:1: connection refused") {
		t.Fatalf("err = %v", err)
	}
	<-room.Done() // left
	if _, err := joinQuiet(t, sh, posthorn.Config{AppID: "a"}, "x"); err != nil {
		t.Fatalf("join after a failed join: %v", err)
	}
}
