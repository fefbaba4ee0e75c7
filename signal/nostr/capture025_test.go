package nostr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/nip01"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
	"github.com/posthorn/posthorn/relay/nostrrelay"
)

// capture025 is vectors/025-nostr-capture.json: what the real
// @trystero-p2p/nostr@0.25.4 sent to a relay on joining test-app / room-1.
type capture025 struct {
	SelfID          string            `json:"selfId"`
	RelayURLs       []string          `json:"relayUrls"`
	InitialMessages []json.RawMessage `json:"initialMessages"`
	RootTopic       string            `json:"rootTopic"`
	SelfTopic       string            `json:"selfTopic"`
	BigPeerTopic    string            `json:"bigPeerTopic"`
	AfterLarger     []struct {
		Kind int `json:"kind"`
	} `json:"afterAnnounceFromLargerId"`
}

// TestCapture025Wire: the captured REQ (one subscription, self topic then
// root, their kinds) and the captured EVENT (0.25's member order) are what
// our encoders write for the same inputs, and the default relays for
// test-app are the captured ones.
func TestCapture025Wire(t *testing.T) {
	vec := loadCapture025(t)
	if got := relays.Nostr.Pick("test-app", 0); !slices.Equal(got, vec.RelayURLs) {
		t.Fatalf("default relays %v, captured %v", got, vec.RelayURLs)
	}
	names := topic.ForRoom("test-app", "room-1")
	if names.Root != vec.RootTopic || names.Peer(vec.SelfID) != vec.SelfTopic {
		t.Fatalf("topics %s %s, captured %s %s", names.Root, names.Peer(vec.SelfID), vec.RootTopic, vec.SelfTopic)
	}
	var req []json.RawMessage
	if err := json.Unmarshal(vec.InitialMessages[0], &req); err != nil || len(req) != 3 {
		t.Fatalf("REQ %s: %v", vec.InitialMessages[0], err)
	}
	var sub string
	var f struct {
		Since int64 `json:"since"`
	}
	if json.Unmarshal(req[1], &sub) != nil || json.Unmarshal(req[2], &f) != nil {
		t.Fatalf("REQ %s", vec.InitialMessages[0])
	}
	kinds := []int{topic.NostrKind(vec.SelfTopic), topic.NostrKind(vec.RootTopic)}
	if got, want := reqMessage(sub, kinds, []string{vec.SelfTopic, vec.RootTopic}, f.Since), compact(t, vec.InitialMessages[0]); string(got) != want {
		t.Fatalf("REQ\n%s\nwant\n%s", got, want)
	}
	for _, raw := range vec.InitialMessages[1:] {
		var msg []json.RawMessage
		if err := json.Unmarshal(raw, &msg); err != nil || len(msg) != 2 {
			t.Fatalf("EVENT %s: %v", raw, err)
		}
		ev, err := parseEvent(msg[1])
		if err != nil {
			t.Fatal(err)
		}
		if err := ev.Verify(); err != nil {
			t.Fatalf("captured event: %v", err)
		}
		if ev.Kind != topic.NostrKind(vec.RootTopic) || ev.Content != string(v025wire.Announce(vec.SelfID, false)) {
			t.Fatalf("announcement %+v", ev)
		}
		if got := eventMessage(ev, true); string(got) != compact(t, raw) {
			t.Fatalf("EVENT\n%s\nwant\n%s", got, compact(t, raw))
		}
	}
	if got := topic.NostrKind(vec.BigPeerTopic); got != vec.AfterLarger[0].Kind {
		t.Fatalf("kind of the peer topic %d, captured %d", got, vec.AfterLarger[0].Kind)
	}
}

// TestCapture025 replays the capture against our relay with the captured
// selfId: the member subscribes once to both topics with their kinds and
// announces {"peerId":…} with the root topic's kind. Then, as the capture
// goes on (protocol-0.25 §6.2): a larger announcer gets a sealed offer
// with an offerId on its topic, with that topic's kind, then trickled
// candidates; a smaller one gets a nudge; an offer on our topic gets an
// answer echoing its offerId; an offer sealed with another password is
// reported through OnJoinError.
func TestCapture025(t *testing.T) {
	testutil.RequireNetns(t)
	vec := loadCapture025(t)
	names := topic.ForRoom("test-app", "room-1")
	for _, password := range []string{"", "hunter2"} {
		t.Run("password="+password, func(t *testing.T) {
			relay := strategytest.HandlerRelay(t, "/", func() strategytest.HandlerCloser {
				return nostrrelay.New(nostrrelay.Config{Logger: slog.New(slog.DiscardHandler)})
			})
			big, small, small2 := "zREMOTEPEER000000001", "0AREMOTEPEER00000001", "0BREMOTEPEER00000002"
			sp := newSpy(t, relay.URL, names.Root, names.Peer(big), names.Peer(small), names.Peer(small2))
			joinErrs := make(chan *posthorn.JoinError, 8)
			s := New(&posthorn.Options{SelfID: vec.SelfID, Logger: slog.New(slog.DiscardHandler)})
			t.Cleanup(s.Close)
			ctx := strategytest.Ctx(t)
			_, err := s.JoinRoom(ctx, posthorn.Config{AppID: "test-app", Protocol: posthorn.Protocol025,
				Password: password, RelayURLs: []string{relay.URL}, RTCConfig: &posthorn.RTCConfiguration{},
				OnJoinError: func(e *posthorn.JoinError) { joinErrs <- e }}, "room-1")
			if err != nil {
				t.Fatal(err)
			}
			gcm := crypt.NewGCM(password, "test-app", "room-1")
			open := func(cipher string) string {
				plain, err := gcm.Decrypt(cipher)
				if err != nil {
					t.Fatalf("%q is not sealed with the room key: %v", cipher, err)
				}
				return plain
			}
			if ev := sp.next(t, names.Root); ev.Content != string(v025wire.Announce(vec.SelfID, false)) || ev.Kind != topic.NostrKind(names.Root) {
				t.Fatalf("announcement %+v", ev)
			}

			// A larger id announces: we lead with an offer, then candidates.
			sp.publish(t, names.Root, v025wire.Announce(big, false))
			ev := sp.next(t, names.Peer(big))
			m, err := v025wire.Parse([]byte(ev.Content))
			if err != nil || m.Kind != v025wire.KindOffer || m.PeerID != vec.SelfID || len(m.OfferID) != 12 ||
				ev.Kind != topic.NostrKind(names.Peer(big)) {
				t.Fatalf("offer %+v: %+v %v", ev, m, err)
			}
			if !strings.HasPrefix(open(m.Cipher), "v=0\r\n") || ev.Content != string(v025wire.Offer(vec.SelfID, m.OfferID, m.Cipher, false)) {
				t.Fatalf("offer %s", ev.Content)
			}
			offerID := m.OfferID
			ev = sp.next(t, names.Peer(big))
			if m, err = v025wire.Parse([]byte(ev.Content)); err != nil || m.Kind != v025wire.KindCandidate || m.OfferID != offerID ||
				ev.Content != string(v025wire.Candidate(vec.SelfID, m.Cipher, offerID, true, false)) {
				t.Fatalf("candidate %s: %+v %v", ev.Content, m, err)
			}
			if _, err := v025wire.ParseCandidate(open(m.Cipher)); err != nil {
				t.Fatalf("candidate %q: %v", open(m.Cipher), err)
			}

			// A smaller id announces: we nudge it on its topic.
			sp.publish(t, names.Root, v025wire.Announce(small, false))
			if ev := sp.next(t, names.Peer(small)); ev.Content != string(v025wire.Announce(vec.SelfID, false)) {
				t.Fatalf("nudge %s", ev.Content)
			}

			// Its offer on our (captured) topic gets an answer with its offerId.
			sealed, err := gcm.Encrypt(realOffer(t))
			if err != nil {
				t.Fatal(err)
			}
			sp.publish(t, vec.SelfTopic, v025wire.Offer(small, "OFFERID00001", sealed, false))
			for {
				ev = sp.next(t, names.Peer(small))
				if m, err = v025wire.Parse([]byte(ev.Content)); err != nil || m.Kind != v025wire.KindAnnounce {
					break // skip repeated nudges
				}
			}
			if err != nil || m.Kind != v025wire.KindAnswer || m.OfferID != "OFFERID00001" ||
				ev.Content != string(v025wire.Answer(vec.SelfID, m.Cipher, "OFFERID00001", false)) {
				t.Fatalf("answer %s: %+v %v", ev.Content, m, err)
			}
			if !strings.Contains(open(m.Cipher), "a=setup:") {
				t.Fatalf("answer sdp %q", open(m.Cipher))
			}

			// An offer sealed with another password: a join error, no answer.
			wrong, err := crypt.NewGCM(password+"x", "test-app", "room-1").Encrypt(realOffer(t))
			if err != nil {
				t.Fatal(err)
			}
			sp.publish(t, vec.SelfTopic, v025wire.Offer(small2, "OFFERID00002", wrong, false))
			select {
			case e := <-joinErrs:
				if e.PeerID != small2 || !errors.Is(e, posthorn.ErrWrongPassword) || e.RoomID != "room-1" {
					t.Fatalf("join error %v", e)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("no join error")
			}
		})
	}
}

func loadCapture025(t *testing.T) capture025 {
	var vec capture025
	if err := json.Unmarshal(testutil.Vector(t, "025-nostr-capture.json"), &vec); err != nil {
		t.Fatal(err)
	}
	if len(vec.InitialMessages) < 2 || len(vec.AfterLarger) == 0 {
		t.Fatalf("unexpected vector %+v", vec)
	}
	return vec
}

// spy is a second client of the relay, subscribed to topics with 0.25's
// kinds, publishing as another peer would.
type spy struct {
	sock   *socket.Socket
	keys   nip01.Keys
	events chan nip01.Event
}

func newSpy(t *testing.T, url string, topics ...string) *spy {
	sp := &spy{sock: socket.Dial(url, &socket.Options{}), keys: nip01.NewKeys(), events: make(chan nip01.Event, 64)}
	t.Cleanup(sp.sock.Close)
	subscribed := make(chan struct{}, 1)
	sp.sock.OnMessage("spy", func(b []byte) {
		m, err := parseRelayMessage(b)
		switch {
		case err != nil:
		case m.Type == "EOSE":
			subscribed <- struct{}{}
		case m.Type == "EVENT":
			if ev, err := parseEvent(m.Event); err == nil {
				sp.events <- ev
			}
		}
	})
	var kinds []int
	for _, tp := range topics {
		kinds = append(kinds, topic.NostrKind(tp))
	}
	sp.sock.OnOpen("spy", func() {
		_ = sp.sock.Send(context.Background(), reqMessage("spy", kinds, topics, time.Now().Unix()-60))
	})
	select {
	case <-subscribed:
	case <-time.After(30 * time.Second):
		t.Fatal("spy not subscribed")
	}
	return sp
}

// next returns the next event tagged tp, skipping others.
func (sp *spy) next(t *testing.T, tp string) nip01.Event {
	t.Helper()
	for {
		select {
		case ev := <-sp.events:
			if x, _ := ev.Tag(tagName); x == tp {
				if err := ev.Verify(); err != nil {
					t.Fatalf("event on %s: %v", tp, err)
				}
				return ev
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no event on %s", tp)
		}
	}
}

func (sp *spy) publish(t *testing.T, tp string, content []byte) {
	t.Helper()
	ev, err := newEvent(sp.keys, topic.NostrKind(tp), tp, string(content))
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.sock.Send(strategytest.Ctx(t), eventMessage(ev, true)); err != nil {
		t.Fatal(err)
	}
}

// realOffer is a non-trickled offer SDP from a real pion peer.
func realOffer(t *testing.T) string {
	p, err := peer.New(peer.Config{Initiator: true, RTCConfig: &posthorn.RTCConfiguration{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	ch := make(chan peer.Signal, 1)
	p.OnSignal(func(s peer.Signal) {
		select {
		case ch <- s:
		default:
		}
	})
	select {
	case s := <-ch:
		if s.Type != "offer" || !bytes.Contains([]byte(s.SDP), []byte("a=candidate")) {
			t.Fatalf("not a non-trickle offer: %+v", s)
		}
		return s.SDP
	case <-time.After(30 * time.Second):
		t.Fatal("no local offer")
	}
	return ""
}
