package engine

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
)

// recoverWait only guards against hangs.
const recoverWait = time.Minute

// TestRecoverLost: a lost peer that never comes back makes the session
// announce once per recoverDelays step, then stop; a second loss meanwhile
// does not start a second schedule; a new loss after the schedule starts
// another.
func TestRecoverLost(t *testing.T) {
	s, err := NewSession(SessionConfig{RoomID: "r", SelfID: "self", Config: posthorn.Config{
		AppID: "a", AnnounceInterval: time.Millisecond, Logger: slog.New(slog.DiscardHandler),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Room().Leave()
	calls := make(chan struct{}, 2*len(recoverDelays)+2)
	s.OnReannounce(func() { calls <- struct{}{} })
	recovering := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.recovering
	}
	for round := range 2 {
		s.peerLost("gone")
		s.peerLost("also-gone")
		for i := range recoverDelays {
			select {
			case <-calls:
			case <-time.After(recoverWait):
				t.Fatalf("round %d: announcement %d never came", round, i+1)
			}
		}
		deadline := time.Now().Add(recoverWait)
		for recovering() {
			if time.Now().After(deadline) {
				t.Fatal("the schedule never ended")
			}
			time.Sleep(time.Millisecond)
		}
		if n := len(calls); n != 0 {
			t.Fatalf("round %d: %d announcements more than the schedule's %d", round, n, len(recoverDelays))
		}
	}
}
