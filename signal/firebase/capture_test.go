package firebase

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/rtdb"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// capture is a 0.18 firebase capture (testdata/vectors/018-firebase-capture*.json):
// the calls Trystero made on a recording SDK.
type capture struct {
	SelfID            string  `json:"selfId"`
	AfterNewPeerChild [][]any `json:"afterNewPeerChild"`
	AfterIncoming     [][]any `json:"afterIncomingOffer"`
}

// sets returns the values of the capture's "set" calls in calls.
func sets(calls [][]any) []string {
	var out []string
	for _, c := range calls {
		if c[0] == "set" {
			out = append(out, c[2].(string))
		}
	}
	return out
}

const (
	newPeer   = "NEWPEER0000000000001"
	otherPeer = "OTHERPEER00000000002"
)

// TestCapture replays the 0.18 captures against firebase-server with a
// posthorn peer under the capture's selfId: its presence node, the offer
// and candidates it pushes to a peer that appears after it (same members
// in the same order as Trystero's, whole-signal envelopes with a password,
// push ids in order), the answer it writes to an offer in its mailbox and
// the deletion of that offer, and on leave its node and its signals gone.
func TestCapture(t *testing.T) {
	testutil.RequireNetns(t)
	for _, tc := range []struct{ file, password string }{
		{"018-firebase-capture.json", ""},
		{"018-firebase-capture-password.json", "hunter2"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var v capture
			if err := json.Unmarshal(testutil.Vector(t, tc.file), &v); err != nil {
				t.Fatal(err)
			}
			cbc := crypt.NewCBC(tc.password, "room-1")
			open := func(s string) string {
				if tc.password == "" {
					return s
				}
				plain, err := cbc.Decrypt(s)
				if err != nil {
					t.Fatalf("%.60q does not open: %v", s, err)
				}
				return plain
			}
			// what Trystero wrote: offer, candidate; answer, candidate
			js := append(sets(v.AfterNewPeerChild), sets(v.AfterIncoming)...)
			if len(js) != 4 {
				t.Fatalf("capture has %d signals", len(js))
			}

			url := server.Start(t).URL
			w := dial(t, url, "__trystero__/room-1")
			s := New(&posthorn.Options{SelfID: v.SelfID, Logger: testLogger(t)})
			t.Cleanup(s.Close)
			ctx, cancel := context.WithTimeout(context.Background(), strategytest.WaitTimeout)
			defer cancel()
			room, err := s.JoinRoom(ctx, posthorn.Config{AppID: url, Password: tc.password, RTCConfig: &posthorn.RTCConfiguration{}}, "room-1")
			if err != nil {
				t.Fatal(err)
			}
			w.wait("presence {_:true}", func(tr *rtdb.Tree) bool {
				return tr.Get(v.SelfID, "_") == true && len(tr.Children(v.SelfID)) == 1
			})

			// a peer appears: we offer, then trickle candidates
			w.put("__trystero__/room-1/"+newPeer, map[string]any{"_": true})
			var box map[string]any
			w.wait("offer and a candidate for the new peer", func(tr *rtdb.Tree) bool {
				box = tr.Children(newPeer, v.SelfID)
				return len(box) >= 2
			})
			keys := slices.Sorted(maps.Keys(box))
			for i, k := range keys {
				if !isPushID(k) {
					t.Fatalf("key %q is not a push id", k)
				}
				val, ok := box[k].(string)
				if !ok {
					t.Fatalf("signal %s is %T, not a string", k, box[k])
				}
				if tc.password != "" && shape(t, val) != shape(t, js[0]) {
					t.Fatalf("envelope %s, want %s", shape(t, val), shape(t, js[0]))
				}
				want := js[1] // candidate
				if i == 0 {
					want = js[0] // offer
				}
				if got, want := shape(t, open(val)), shape(t, open(want)); got != want {
					t.Fatalf("signal %d: %s, want Trystero's %s", i, got, want)
				}
				if sig, _ := peer.ParseSignal([]byte(open(val))); (i == 0) != (sig.Type == peer.TypeOffer) {
					t.Fatalf("signal %d is a %q", i, sig.Type)
				}
			}

			// an offer arrives in our mailbox: we delete it and answer
			p, err := peer.New(peer.Config{Initiator: true, Trickle: true, RTCConfig: &posthorn.RTCConfiguration{}, Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = p.Close() })
			offers := make(chan peer.Signal, 16)
			p.OnSignal(func(s peer.Signal) { offers <- s })
			offer := <-offers
			raw, _ := offer.MarshalJSON()
			sealed := string(raw)
			if tc.password != "" {
				if sealed, err = cbc.Encrypt(sealed); err != nil {
					t.Fatal(err)
				}
			}
			var ids rtdb.PushIDs
			key := ids.Next()
			inbox := "__trystero__/room-1/" + v.SelfID + "/" + otherPeer
			w.put(inbox+"/"+key, sealed)
			w.wait("answer to the other peer", func(tr *rtdb.Tree) bool {
				return len(tr.Children(otherPeer, v.SelfID)) >= 1
			})
			w.wait("offer deleted", func(tr *rtdb.Tree) bool { return tr.Get(v.SelfID, otherPeer, key) == nil })
			var answer string
			w.wait("the answer first", func(tr *rtdb.Tree) bool {
				b := tr.Children(otherPeer, v.SelfID)
				answer, _ = b[slices.Min(slices.Collect(maps.Keys(b)))].(string)
				return answer != ""
			})
			if got, want := shape(t, open(answer)), shape(t, open(js[2])); got != want {
				t.Fatalf("answer %s, want Trystero's %s", got, want)
			}

			// leave: our node goes, and the server drops our signals
			if err := room.Leave(); err != nil {
				t.Fatal(err)
			}
			w.wait("our node and signals gone", func(tr *rtdb.Tree) bool {
				return tr.Get(v.SelfID) == nil && tr.Get(newPeer, v.SelfID) == nil && tr.Get(otherPeer, v.SelfID) == nil
			})
		})
	}
}

// isPushID reports whether k looks like an SDK push id.
func isPushID(k string) bool {
	if len(k) != 20 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isPushChar(k[i]) {
			return false
		}
	}
	return true
}

func isPushChar(c byte) bool {
	return c == '-' || c == '_' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}
