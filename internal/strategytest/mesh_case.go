package strategytest

import (
	"slices"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// RunMesh joins n members to one room through h.Relay, waits for the full
// mesh (every member sees the n-1 others) and has every member send one
// message to the room: each member gets exactly one from each other one.
// It skips outside scripts/in-netns.
func RunMesh(t *testing.T, h Harness, n int) {
	testutil.RequireNetns(t)
	h = h.withDefaults()
	r := h.Relay.Start(t)
	start := time.Now()
	ms := joinAll(t, h, n, "mesh", posthorn.Config{RelayURLs: []string{r.URL}})
	meet(t, ms...)
	t.Logf("full mesh of %d after %v", n, time.Since(start).Round(time.Millisecond))
	for _, m := range ms {
		if err := m.Action("chat").Send(Ctx(t), "hello from "+m.ID, nil); err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
	}
	for _, m := range ms {
		var from, want []string
		for range n - 1 {
			got := m.Recv(t, "chat")
			if got.Msg.Kind != transfer.KindString || string(got.Msg.Data) != "hello from "+got.From {
				t.Fatalf("%s got %q (kind %v) from %s", m.ID, got.Msg.Data, got.Msg.Kind, got.From)
			}
			from = append(from, got.From)
		}
		for _, o := range ms {
			if o != m {
				want = append(want, o.ID)
			}
		}
		slices.Sort(from)
		slices.Sort(want)
		if !slices.Equal(from, want) {
			t.Fatalf("%s got hellos from %v, want one from each of %v", m.ID, from, want)
		}
	}
}
