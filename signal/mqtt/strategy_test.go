package mqtt

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestJoinRoomArgs: bad arguments, MQTT wildcards and topic separators
// included, are refused with clear errors. (Idempotency is in the
// conformance suite.)
func TestJoinRoomArgs(t *testing.T) {
	testutil.RequireNetns(t) // JoinRoom dials (a dead loopback URL here)
	urls := []string{deadURL(t)}
	s := New(&posthorn.Options{Logger: testLogger(t, "args")})
	if !ids.Valid(s.SelfID()) || s.SelfID() == SelfID() {
		t.Fatalf("New without a SelfID has id %q, want a fresh one (the default instance's is %q)", s.SelfID(), SelfID())
	}
	tests := []struct {
		name, appID, roomID string
		want                error
	}{
		{"no appId", "", "r", posthorn.ErrNoAppID},
		{"no roomId", "a", "", posthorn.ErrNoRoomID},
		{"wildcard + in appId", "a+b", "r", ErrTopicChars},
		{"wildcard # in roomId", "a", "r#", ErrTopicChars},
		{"slash in roomId", "a", "r/x", ErrTopicChars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.JoinRoom(context.Background(), posthorn.Config{AppID: tt.appID, RelayURLs: urls}, tt.roomID)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.JoinRoom(ctx, posthorn.Config{AppID: "a", RelayURLs: urls}, "r"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: %v", err)
	}

	// No broker ever takes the announcement: JoinRoom gives up with the
	// context and names the broker's failure.
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := s.JoinRoom(ctx, posthorn.Config{AppID: "a", RelayURLs: urls}, "r")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), urls[0]+": mqtt: dial") {
		t.Fatalf("join through a dead broker: %v, want the deadline and the broker's dial error", err)
	}
	if st, ok := s.RelaySockets()[urls[0]]; !ok || st != posthorn.RelayClosed {
		t.Fatalf("RelaySockets %v, want %s closed", s.RelaySockets(), urls[0])
	}
}
