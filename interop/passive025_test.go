//go:build !js

package interop

import (
	"fmt"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestPassive025 and TestPassiveNostr025 pair real
// @trystero-p2p/<strategy>@0.25.4 and native posthorn with passive rooms
// (see runPassive025).
func TestPassive025(t *testing.T)      { runPassive025(t, mqtt025) }
func TestPassiveNostr025(t *testing.T) { runPassive025(t, nostr025) }

// runPassive025 pairs passive rooms (protocol-0.25 §6.5) through st's Go
// relay, the passive side joining first: a passive page is woken by a
// native active peer and a passive native peer by an active page, with
// either side leading, and they then talk as in run025; a passive page and
// a passive native peer never meet.
func runPassive025(t *testing.T, st strategy025) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assets025(t, st.pkg))
	relays := []string{st.relay(t)}

	for _, jsPassive := range []bool{true, false} {
		for _, goLeads := range []bool{true, false} {
			t.Run(fmt.Sprintf("js-passive=%v/go-leads=%v", jsPassive, goLeads), func(t *testing.T) {
				room := fmt.Sprintf("v025-passive-%v-%v", jsPassive, goLeads)
				js := openPage025(t, b, site, "js")
				var n *native025
				if jsPassive {
					js.join(t, joinConfig{AppID: appID, Relays: relays, Room: room, Passive: true})
					if !browsertest.EvalAs[bool](t, js.page, "H.room.isPassive()") {
						t.Fatal("the page's room is not passive")
					}
					n = joinNative025(t, st, "native", nativeID(t, js.id, goLeads), joinConfig{AppID: appID, Relays: relays, Room: room})
				} else {
					n = joinNative025(t, st, "native", nativeID(t, js.id, goLeads), joinConfig{AppID: appID, Relays: relays, Room: room, Passive: true})
					js.join(t, joinConfig{AppID: appID, Relays: relays, Room: room})
				}
				talk025(t, js, n, true)
			})
		}
	}

	t.Run("both-passive", func(t *testing.T) {
		cfg := joinConfig{AppID: appID, Relays: relays, Room: "v025-passive-both", Passive: true}
		js := openPage025(t, b, site, "js")
		js.join(t, cfg)
		n := joinNative025(t, st, "native", "", cfg)
		time.Sleep(mismatchWindow)
		if j := js.joined(t); len(j) != 0 {
			t.Errorf("page saw %v join", j)
		}
		if j, _, _ := n.snapshot(); len(j) != 0 {
			t.Errorf("native peer saw %v join", j)
		}
	})
}
