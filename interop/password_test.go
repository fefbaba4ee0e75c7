//go:build !js

package interop

import (
	"testing"
	"time"
)

// mismatchWindow is how long a pair with different passwords is watched for
// a connection that must not happen. On loopback a matching pair connects
// in about a second after the second member joins.
const mismatchWindow = 5 * time.Second

// joinFunc joins one member of some kind to a room.
type joinFunc func(t *testing.T, name string, cfg joinConfig) member

// passwords checks the password rules (protocol-0.18 §3) for pairs made by
// first and second (second joins after first): different passwords never
// connect; the same password connects and carries data both ways, unless
// sameConnects is false (a documented Trystero bug), in which case it must
// not connect either. The different-password pair joins first, so its
// window runs while the same-password pair works.
func passwords(t *testing.T, relays []string, first, second joinFunc, sameConnects bool) {
	diff := joinConfig{AppID: appID, Relays: relays, Room: "pw-diff", Password: "one"}
	d1 := first(t, "diff-1", diff)
	diff.Password = "two"
	d2 := second(t, "diff-2", diff)
	start := time.Now()

	same := joinConfig{AppID: appID, Relays: relays, Room: "pw-same", Password: "correct horse ✓"}
	s1 := first(t, "same-1", same)
	s2 := second(t, "same-2", same)
	t.Run("same", func(t *testing.T) {
		if !sameConnects {
			time.Sleep(mismatchWindow)
			if j := s2.Joined(t); len(j) != 0 {
				t.Errorf("%s saw %v join: the documented bug is gone, update the kit", s2.Name(), j)
			}
			return
		}
		waitJoined(t, s1, s2.ID())
		waitJoined(t, s2, s1.ID())
		s1.Send(t, "msg", "sealed 1→2", nil)
		s2.Send(t, "msg", "sealed 2→1", nil)
		waitReceived(t, s2, "msg", s1.ID(), 1)
		waitReceived(t, s1, "msg", s2.ID(), 1)
	})
	t.Run("different", func(t *testing.T) {
		time.Sleep(time.Until(start.Add(mismatchWindow)))
		if j := d1.Joined(t); len(j) != 0 {
			t.Errorf("%s (password one) saw %v join, want nobody", d1.Name(), j)
		}
		if j := d2.Joined(t); len(j) != 0 {
			t.Errorf("%s (password two) saw %v join, want nobody", d2.Name(), j)
		}
	})
}
