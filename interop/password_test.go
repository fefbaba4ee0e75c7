//go:build !js

package interop

import (
	"testing"
	"time"
)

// mismatchWindow is how long a pair with different passwords is watched for
// a connection that must not happen. On loopback a matching pair connects
// in well under a second after the second member joins.
const mismatchWindow = 6 * time.Second

// joinFunc joins one member of kind-specific make-up to a room.
type joinFunc func(t *testing.T, name string, cfg joinConfig) member

// passwords checks the password rules (wire-0.18 §3) for a pair made by
// first and second (second joins after first): the same password on both
// sides connects and carries data both ways; different passwords never
// connect.
func passwords(t *testing.T, relays []string, first, second joinFunc) {
	t.Run("same", func(t *testing.T) {
		cfg := joinConfig{AppID: "posthorn-interop", Relays: relays, Room: "pw-same", Password: "correct horse ✓"}
		a := first(t, "a", cfg)
		b := second(t, "b", cfg)
		waitJoined(t, a, b.ID())
		waitJoined(t, b, a.ID())
		a.Send(t, "msg", "sealed a→b", nil)
		b.Send(t, "msg", "sealed b→a", nil)
		waitReceived(t, b, "msg", a.ID(), 1)
		waitReceived(t, a, "msg", b.ID(), 1)
	})
	t.Run("different", func(t *testing.T) {
		cfg := joinConfig{AppID: "posthorn-interop", Relays: relays, Room: "pw-diff", Password: "one"}
		a := first(t, "a", cfg)
		cfg.Password = "two"
		b := second(t, "b", cfg)
		time.Sleep(mismatchWindow)
		if j := a.Joined(t); len(j) != 0 {
			t.Errorf("%s (password one) saw %v join, want nobody", a.Name(), j)
		}
		if j := b.Joined(t); len(j) != 0 {
			t.Errorf("%s (password two) saw %v join, want nobody", b.Name(), j)
		}
	})
}
