package torrent

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// scriptedTracker is a WebSocket endpoint the test drives by hand, to see
// the exact bytes a member sends and to feed it crafted tracker messages.
type scriptedTracker struct {
	t    *testing.T
	url  string
	conn chan *websocket.Conn
}

func newScriptedTracker(t *testing.T) *scriptedTracker {
	st := &scriptedTracker{t: t, conn: make(chan *websocket.Conn, 4)}
	done := make(chan struct{})
	hs := httptest.NewServer(websocketHandler(st.conn, done))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { close(done) }) // runs first: the handlers return

	st.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	return st
}

// websocketHandler hands every accepted connection to out and keeps it
// until done is closed.
func websocketHandler(out chan *websocket.Conn, done <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		c.SetReadLimit(1 << 20)
		out <- c
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}
}

func (st *scriptedTracker) accept() *websocket.Conn {
	st.t.Helper()
	select {
	case c := <-st.conn:
		st.t.Cleanup(func() { c.CloseNow() })
		return c
	case <-time.After(strategytest.WaitTimeout):
		st.t.Fatal("member never connected")
	}
	return nil
}

func readMsg(t *testing.T, c *websocket.Conn) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), strategytest.WaitTimeout)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeMsg(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), strategytest.WaitTimeout)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// TestProtocolAgainstScriptedTrackers plays two trackers and a JS-like peer
// by hand: the announce is Trystero's, identical on both trackers; an offer
// that arrives over both is answered once, on the socket it came from, in
// Trystero's member order; junk is ignored or logged; the connection made
// reaches the room.
func TestProtocolAgainstScriptedTrackers(t *testing.T) {
	testutil.RequireNetns(t)
	for _, password := range []string{"", "hunter2"} {
		t.Run("password="+password, func(t *testing.T) {
			t1, t2 := newScriptedTracker(t), newScriptedTracker(t)
			sink := strategytest.NewLog()
			self := ids.New(ids.SelfIDLen)
			s := New(&posthorn.Options{SelfID: self, Logger: slog.New(sink)})
			t.Cleanup(s.Close)
			r, err := s.JoinRoom(context.Background(), posthorn.Config{
				AppID: "test-app", Password: password, RTCConfig: &posthorn.RTCConfiguration{},
				RelayURLs: []string{t1.url, t2.url},
			}, "room-1")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Leave() })
			joined := make(chan string, 4)
			r.OnPeerJoin(func(id string) { joined <- id })
			c1, c2 := t1.accept(), t2.accept()
			var key *crypt.CBC
			if password != "" {
				key = crypt.NewCBC(password, "room-1")
			}

			// The announce: same bytes on both trackers, Trystero's shape.
			a1, a2 := readMsg(t, c1), readMsg(t, c2)
			if string(a1) != string(a2) {
				t.Fatalf("announces differ:\n%s\n%s", a1, a2)
			}
			if got := keysInOrder(t, a1); !slices.Equal(got, []string{"action", "info_hash", "numwant", "peer_id", "offers"}) {
				t.Fatalf("announce members %v", got)
			}
			var ann announceMsg
			if err := json.Unmarshal(a1, &ann); err != nil {
				t.Fatal(err)
			}
			if ann.Action != "announce" || ann.InfoHash != "5v555w112h626i264rj4" || ann.NumWant != 10 || ann.PeerID != self || len(ann.Offers) != 10 {
				t.Fatalf("announce %+v", ann)
			}
			seen := map[string]bool{}
			for _, o := range ann.Offers {
				if len(o.OfferID) != 20 || seen[o.OfferID] || o.Offer.Type != "offer" {
					t.Fatalf("offer entry %+v", o)
				}
				seen[o.OfferID] = true
				sdp := o.Offer.SDP
				if key != nil {
					if sdp, err = key.Decrypt(sdp); err != nil {
						t.Fatalf("offer sdp is not an envelope under the password: %v", err)
					}
				}
				if !strings.Contains(sdp, "a=candidate:") || strings.Contains(sdp, "a=ice-options:trickle") {
					t.Fatalf("offer is not a complete non-trickle SDP:\n%s", sdp)
				}
			}

			// A JS-like initiator offers through both trackers.
			remote := ids.New(ids.SelfIDLen)
			p, err := peer.New(peer.Config{Initiator: true, RTCConfig: &posthorn.RTCConfiguration{}, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Close() })
			offers := make(chan peer.Signal, 1)
			p.OnSignal(func(s peer.Signal) {
				select {
				case offers <- s:
				default:
				}
			})
			offer := <-offers
			if key != nil {
				offer.SDP, _ = key.Encrypt(offer.SDP)
			}
			const offerID = "OFFERID0000000000001"
			fwd := map[string]any{"action": "announce", "offer": offer, "offer_id": offerID, "peer_id": remote, "info_hash": ann.InfoHash}
			// Junk first: other room, own id, malformed, a failure reason.
			writeMsg(t, c2, map[string]any{"action": "announce", "offer": offer, "offer_id": "X", "peer_id": remote, "info_hash": "another-info-hash-00"})
			writeMsg(t, c2, map[string]any{"action": "announce", "offer": offer, "offer_id": "Y", "peer_id": self, "info_hash": ann.InfoHash})
			ctx, cancel := context.WithTimeout(context.Background(), strategytest.WaitTimeout)
			c2.Write(ctx, websocket.MessageText, []byte(`{"action":`))
			cancel()
			writeMsg(t, c2, map[string]any{"failure reason": "scripted failure", "info_hash": ann.InfoHash})
			writeMsg(t, c2, fwd) // via tracker 2

			// The answer, on tracker 2's socket, Trystero's member order.
			raw := readMsg(t, c2)
			writeMsg(t, c1, fwd) // the same offer again via tracker 1: dropped
			if got := keysInOrder(t, raw); !slices.Equal(got, []string{"answer", "action", "info_hash", "peer_id", "to_peer_id", "offer_id"}) {
				t.Fatalf("answer members %v: %.200s", got, raw)
			}
			var ans answerMsg
			if err := json.Unmarshal(raw, &ans); err != nil {
				t.Fatal(err)
			}
			if ans.Action != "announce" || ans.InfoHash != ann.InfoHash || ans.PeerID != self || ans.ToPeerID != remote || ans.OfferID != offerID || ans.Answer.Type != "answer" {
				t.Fatalf("answer %+v", ans)
			}
			sdp := ans.Answer.SDP
			if key != nil {
				if sdp, err = key.Decrypt(sdp); err != nil {
					t.Fatalf("answer not sealed with the password: %v", err)
				}
			}
			if err := p.Signal(peer.Signal{Type: "answer", SDP: sdp}); err != nil {
				t.Fatal(err)
			}
			select {
			case id := <-joined:
				if id != remote {
					t.Fatalf("joined %q", id)
				}
			case <-time.After(strategytest.WaitTimeout):
				t.Fatal("the connection never reached the room")
			}
			if !sink.Has("tracker failure", "scripted failure") || !sink.Has("malformed tracker message") {
				t.Fatalf("failure and junk not logged: %q", sink.Lines())
			}
			// The copy from tracker 1 was dropped on arrival (as a copy of
			// the offer being answered, or from a connected peer): one
			// answer only.
			waitLogSink(t, sink, "ignoring", "offer", "peer="+remote)
			if n := sink.Count("answering offer", "peer="+remote); n != 1 {
				t.Fatalf("%d answers made for one offer", n)
			}
		})
	}
}

func waitLogSink(t *testing.T, sink *strategytest.Log, parts ...string) {
	t.Helper()
	if err := sink.Wait(strategytest.Ctx(t), parts...); err != nil {
		t.Fatal(err)
	}
}
