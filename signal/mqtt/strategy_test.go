package mqtt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/strategytest"
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

	// Nothing listens at the URL: the join ends with its context and says
	// which broker failed.
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := s.JoinRoom(ctx, posthorn.Config{AppID: "a", RelayURLs: urls}, "r"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("join through a dead broker: %v, want the context's deadline", err)
	}
	if _, ok := s.RelaySockets()[urls[0]]; !ok {
		t.Fatalf("RelaySockets %v lacks %s", s.RelaySockets(), urls[0])
	}
}

// TestJoinRefusingBroker: a broker that refuses our CONNECT is named, with
// its CONNACK return code, in the error of a JoinRoom that no broker let
// announce; next to a broker that accepts, the room works and the refusing
// broker's socket shows it is not open.
func TestJoinRefusingBroker(t *testing.T) {
	for _, bk := range refusingKinds {
		t.Run(bk.Name, func(t *testing.T) {
			bad := bk.Start(t)
			s := New(&posthorn.Options{Logger: testLogger(t, "refused"), Reconnect: &testReconnect})
			defer s.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, err := s.JoinRoom(ctx, posthorn.Config{AppID: "test-app", RelayURLs: []string{bad.URL}}, "alone")
			want := fmt.Sprintf("%s: mqtt: broker refused the connection: ", bad.URL)
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), want) ||
				!strings.Contains(err.Error(), fmt.Sprintf("(CONNACK return code %d)", bk.code)) {
				t.Fatalf("join through a refusing broker: %v, want the refusal with return code %d", err, bk.code)
			}

			good := startMochi(t)
			r, err := s.JoinRoom(strategytest.Ctx(t), posthorn.Config{AppID: "test-app", RelayURLs: []string{good.URL, bad.URL}}, "room")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Leave()
			time.Sleep(500 * time.Millisecond) // several refused attempts
			socks := s.RelaySockets()
			if socks[good.URL] != posthorn.RelayOpen || socks[bad.URL] == posthorn.RelayOpen {
				t.Fatalf("RelaySockets %v, want %s open and %s not", socks, good.URL, bad.URL)
			}
		})
	}
}
