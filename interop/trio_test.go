//go:build !js

package interop

import (
	"fmt"
	"slices"
	"testing"
)

// trioBinary is the broadcast binary's size in the room of three.
const trioBinary = 1 << 20

// trio runs the room-of-three scenario on members that joined one room:
// everyone sees everyone, broadcasts reach both others, a send targeted at
// one id reaches only it, a send to a list reaches the list, a binary
// broadcast arrives intact at both, pings work between every pair, and
// after one leaves the two others see it leave and still talk.
func trio(t *testing.T, ms [3]member) {
	for _, a := range ms {
		for _, b := range ms {
			if a != b {
				waitJoined(t, a, b.ID())
			}
		}
	}
	t.Run("broadcast", func(t *testing.T) {
		for _, a := range ms {
			a.Send(t, "msg", "hi from "+a.Name(), nil)
		}
		for _, a := range ms {
			for _, b := range ms {
				if a == b {
					continue
				}
				got := waitReceived(t, b, "msg", a.ID(), 1)
				if string(got[0].Value) != string(mustJSON("hi from "+a.Name())) {
					t.Errorf("%s got %s from %s", b.Name(), got[0].Value, a.Name())
				}
			}
		}
	})
	t.Run("targeted", func(t *testing.T) {
		// Each member sends to the next one only, then to a list of both
		// others. The list message is sent after the targeted one on
		// ordered channels, so once the third member has it, it would
		// have had the targeted one too.
		for i, a := range ms {
			next, other := ms[(i+1)%3], ms[(i+2)%3]
			only := fmt.Sprintf("only for %s", next.Name())
			a.Send(t, "msg", only, next.ID())
			a.Send(t, "msg", "for the list", []string{next.ID(), other.ID()})
			got := waitReceived(t, next, "msg", a.ID(), 3)
			if string(got[1].Value) != string(mustJSON(only)) || string(got[2].Value) != `"for the list"` {
				t.Errorf("%s got %s, %s from %s", next.Name(), got[1].Value, got[2].Value, a.Name())
			}
			got = waitReceived(t, other, "msg", a.ID(), 2)
			if len(got) != 2 || string(got[1].Value) != `"for the list"` {
				t.Errorf("%s got %v from %s; the send targeted at %s leaked", other.Name(), got, a.Name(), next.Name())
			}
		}
	})
	t.Run("binary", func(t *testing.T) {
		for _, a := range ms {
			meta := map[string]any{"from": a.Name()}
			sum, _ := a.SendBinary(t, "bin", trioBinary, meta, nil)
			for _, b := range ms {
				if a == b {
					continue
				}
				got := waitReceived(t, b, "bin", a.ID(), 1)
				if got[0].Len != trioBinary || got[0].SHA256 != sum {
					t.Errorf("%s got %d bytes (sha256 %s) from %s, want %d (%s)", b.Name(), got[0].Len, got[0].SHA256, a.Name(), trioBinary, sum)
				}
			}
		}
	})
	t.Run("ping", func(t *testing.T) {
		for _, a := range ms {
			for _, b := range ms {
				if a != b {
					a.Ping(t, b.ID())
				}
			}
		}
	})
	t.Run("leave", func(t *testing.T) {
		leaver, rest := ms[1], []member{ms[0], ms[2]}
		leaver.Leave(t)
		for _, m := range rest {
			waitLeft(t, m, leaver.ID())
		}
		rest[0].Send(t, "msg", "after the leave", rest[1].ID())
		eventually(t, rest[1].Name()+" to get a message after "+leaver.Name()+" left", func() bool {
			return slices.ContainsFunc(receivedFrom(t, rest[1], "msg", rest[0].ID()), func(r record) bool {
				return string(r.Value) == `"after the leave"`
			})
		})
	})
}
