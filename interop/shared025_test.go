//go:build !js

package interop

import (
	"fmt"
	"slices"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
)

// sharedRoom025 is one room of the page's app besides H.room.
type sharedRoom025 struct {
	Joined []string    `json:"joined"`
	Left   []string    `json:"left"`
	Recv   []record025 `json:"recv"`
}

func (m *page025) shared(t *testing.T, room string) sharedRoom025 {
	return browsertest.EvalAs[sharedRoom025](t, m.page, "(r => ({joined: r.joined, left: r.left, recv: r.recv}))(H.rooms["+string(mustJSON(room))+"])")
}

func (m *page025) samePeer(t *testing.T, a, b, id string) bool {
	return browsertest.EvalAs[bool](t, m.page, fmt.Sprintf("H.samePeer(%s, %s, %s)", mustJSON(a), mustJSON(b), mustJSON(id)))
}

// TestMQTT025Shared: a page of the real @trystero-p2p/mqtt@0.25.4 and a
// native peer (one strategy instance), both in two rooms of one app, share
// one connection (protocol-0.25 §7): the page reaches the native peer
// through the same RTCPeerConnection in both rooms and the native rooms
// through the same pion one; each room's messages arrive in that room
// only; the native peer leaving room 1 keeps room 2 working.
func TestMQTT025Shared(t *testing.T) {
	st := mqtt025
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assets025(t, st.pkg))
	relays := []string{st.relay(t)}
	for _, goLeads := range []bool{true, false} {
		t.Run(fmt.Sprintf("go-leads=%v", goLeads), func(t *testing.T) {
			r1, r2 := fmt.Sprintf("shared-1-%v", goLeads), fmt.Sprintf("shared-2-%v", goLeads)
			js := openPage025(t, b, site, "js")
			for _, room := range []string{r1, r2} {
				var id string
				js.page.Eval(t, "H.joinShared("+string(mustJSON(map[string]any{"appId": appID, "relayUrls": relays, "roomId": room}))+")", &id)
			}
			s := st.native(&posthorn.Options{SelfID: nativeID(t, js.id, goLeads), Logger: testLogger(t, "native")})
			t.Cleanup(s.Close)

			// Room 1 makes the connection; room 2 binds to it.
			n1 := joinNative025On(t, s, "native", joinConfig{AppID: appID, Relays: relays, Room: r1})
			sawJoin(t, js, n1, r1)
			n2 := joinNative025On(t, s, "native", joinConfig{AppID: appID, Relays: relays, Room: r2})
			sawJoin(t, js, n2, r2)
			if !js.samePeer(t, r1, r2, n1.id) {
				t.Error("the page reaches the native peer through two RTCPeerConnections")
			}
			if n1.room.Peers()[js.id] != n2.room.Peers()[js.id] {
				t.Error("the native rooms reach the page through two connections")
			}

			// Each room's messages stay in it.
			js.page.Eval(t, "H.sendIn("+string(mustJSON(r1))+", 'one')", nil)
			js.page.Eval(t, "H.sendIn("+string(mustJSON(r2))+", 'two')", nil)
			for _, c := range []struct {
				n    *native025
				want string
			}{{n1, "one"}, {n2, "two"}} {
				eventually(t, "the native peer to receive "+c.want, func() bool { _, r, _ := c.n.snapshot(); return len(r) > 0 })
				if _, r, _ := c.n.snapshot(); len(r) != 1 || r[0].ID != js.id || r[0].Data != c.want {
					t.Errorf("native room got %+v, want only %q", r, c.want)
				}
			}
			for i, n := range []*native025{n1, n2} {
				if err := n.msg.Send(t.Context(), fmt.Sprintf("go %d", i+1), nil); err != nil {
					t.Fatal(err)
				}
			}
			for i, room := range []string{r1, r2} {
				eventually(t, "the page to receive in "+room, func() bool { return len(js.shared(t, room).Recv) > 0 })
				if r := js.shared(t, room).Recv; len(r) != 1 || r[0].ID != n1.id || r[0].Data != fmt.Sprintf("go %d", i+1) {
					t.Errorf("page room %s got %+v", room, r)
				}
			}

			// The native peer leaves room 1: the page's room 1 sees it
			// leave, room 2 goes on over the same connection.
			if err := n1.room.Leave(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the page to see the native peer leave room 1", func() bool {
				return slices.Contains(js.shared(t, r1).Left, n1.id)
			})
			js.page.Eval(t, "H.sendIn("+string(mustJSON(r2))+", 'three')", nil)
			eventually(t, "the native peer to receive in room 2 after leaving room 1", func() bool { _, r, _ := n2.snapshot(); return len(r) > 1 })
			if _, r, _ := n2.snapshot(); r[1].Data != "three" {
				t.Errorf("native room 2 got %+v", r[1])
			}
			if err := n2.msg.Send(t.Context(), "go again", nil); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the page to receive in room 2 after the native peer left room 1", func() bool { return len(js.shared(t, r2).Recv) > 1 })
			if r := js.shared(t, r2).Recv; r[1].Data != "go again" {
				t.Errorf("page room 2 got %+v", r[1])
			}
			if left := js.shared(t, r2).Left; len(left) != 0 {
				t.Errorf("page room 2 saw %v leave", left)
			}
			if _, err := n2.room.Ping(t.Context(), js.id); err != nil {
				t.Errorf("native ping in room 2: %v", err)
			}
			if e := browsertest.EvalAs[[]string](t, js.page, "H.errors"); len(e) != 0 {
				t.Errorf("page errors %v", e)
			}
		})
	}
}

// sawJoin waits until the page's room and n see each other join.
func sawJoin(t *testing.T, js *page025, n *native025, room string) {
	t.Helper()
	eventually(t, "the page to see the native peer join "+room, func() bool { return slices.Contains(js.shared(t, room).Joined, n.id) })
	eventually(t, "the native peer to see the page join "+room, func() bool {
		j, _, _ := n.snapshot()
		return slices.Contains(j, js.id)
	})
}
