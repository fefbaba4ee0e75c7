package torrent

import (
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/engine/enginetest"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// TestAdoptInterval025: under 0.25 the tracker's interval, clamped to
// [10 s, 120 s], is the period, whether longer or shorter than the current
// one (protocol-0.25 §11.1).
func TestAdoptInterval025(t *testing.T) {
	es := newSession025(t, posthorn.Config{AppID: "a"})
	ss := &session{s: &Strategy{maxAnnounce: defaultMaxAnnounceInterval, after: engine.RealAfter}, es: es, v025: true,
		sched: es.Schedule(engine.TorrentMinPeriod025)}
	ss.every = ss.sched.Steady
	if ss.every != 10*time.Second {
		t.Fatalf("default period %v", ss.every)
	}
	for _, tt := range []struct {
		secs float64
		want time.Duration
	}{
		{5, 10 * time.Second},
		{30, 30 * time.Second},
		{15, 15 * time.Second},
		{600, 120 * time.Second},
		{60, 60 * time.Second},
	} {
		ss.adoptInterval(tt.secs)
		if ss.every != tt.want {
			t.Fatalf("after interval %v: period %v, want %v", tt.secs, ss.every, tt.want)
		}
	}
}

// TestDedupe025: an offer or answer with the same kind, offer_id and
// peer_id is dropped within 4 s of the first, and taken again after.
func TestDedupe025(t *testing.T) {
	ss := &session{seen: map[string]time.Time{}}
	if ss.dedupe025("offer", "o1", "p1") {
		t.Fatal("first offer dropped")
	}
	for _, tt := range []struct {
		kind, offerID, peer string
		dup                 bool
	}{
		{"offer", "o1", "p1", true},
		{"answer", "o1", "p1", false},
		{"offer", "o2", "p1", false},
		{"offer", "o1", "p2", false},
	} {
		if got := ss.dedupe025(tt.kind, tt.offerID, tt.peer); got != tt.dup {
			t.Errorf("%s %s from %s: dropped %v, want %v", tt.kind, tt.offerID, tt.peer, got, tt.dup)
		}
	}
	ss.seen["offer:o1:p1"] = time.Now().Add(-dedupeWindow025 - time.Millisecond)
	if ss.dedupe025("offer", "o1", "p1") {
		t.Fatal("an offer 4 s after its copy was dropped")
	}
	ss.seen = map[string]time.Time{}
	for i := range maxSeen025 + 10 {
		ss.dedupe025("offer", ids.New(20), string(rune('a'+i%26)))
	}
	if len(ss.seen) > maxSeen025 {
		t.Fatalf("%d records", len(ss.seen))
	}
}

// TestOffersSurvive025 drives a 0.25 room's announce timer by hand against
// a scripted tracker: the room announces at once, then after 233, 533 and
// 1333 ms, then every 10 s (protocol-0.25 §6.4, §11.1), always with the
// same three offer_ids and numwant 3; an answered offer and an offer older
// than 120 s are replaced, the others kept (§11.1).
func TestOffersSurvive025(t *testing.T) {
	testutil.RequireNetns(t)
	st := newScriptedTracker(t)
	clock := enginetest.NewClock()
	s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler)})
	s.after = clock.AfterFunc
	t.Cleanup(s.Close)
	ss := s.open(newSession025(t, posthorn.Config{AppID: "test-app", Protocol: posthorn.Protocol025,
		RTCConfig: &posthorn.RTCConfiguration{}, RelayURLs: []string{st.url}}))
	c := st.accept()
	ih := topic.ForRoom("test-app", "r").InfoHash()

	first := readAnnounce025(t, c, ih, s.SelfID())
	for i, d := range []time.Duration{233 * time.Millisecond, 533 * time.Millisecond, 1333 * time.Millisecond, 10 * time.Second, 10 * time.Second} {
		ft := clock.Next(t, strategytest.WaitTimeout)
		if ft.D != d {
			t.Fatalf("wait %d: %v, want %v", i, ft.D, d)
		}
		ft.F()
		if got := readAnnounce025(t, c, ih, s.SelfID()); !slices.Equal(got, first) {
			t.Fatalf("announce %d: offers %v, first %v", i+1, got, first)
		}
	}

	// Answer the first offer; age the second past 120 s.
	answered := first[0]
	answerOffer(t, c, ss, ih, answered)
	waitFor(t, "the answer to be taken", func() bool {
		ss.mu.Lock()
		defer ss.mu.Unlock()
		o := ss.pooled(answered)
		return o != nil && o.a.Remote() != ""
	})
	ss.mu.Lock()
	aged := ss.pooled(first[1])
	aged.created = time.Now().Add(-offerRetention025 - time.Second)
	ss.mu.Unlock()
	clock.Next(t, strategytest.WaitTimeout).F()
	got := readAnnounce025(t, c, ih, s.SelfID())
	if slices.Contains(got, answered) || slices.Contains(got, first[1]) || !slices.Contains(got, first[2]) {
		t.Fatalf("after an answer and an aged offer: offers %v, first %v", got, first)
	}
	select {
	case <-aged.a.Done():
	case <-time.After(strategytest.WaitTimeout):
		t.Fatal("the aged offer was not closed")
	}
}

// readAnnounce025 reads the next announce, checks its members and returns
// its offer_ids, in order.
func readAnnounce025(t *testing.T, c *websocket.Conn, ih, self string) []string {
	t.Helper()
	raw := readMsg(t, c)
	var ann announce025
	if err := json.Unmarshal(raw, &ann); err != nil {
		t.Fatal(err)
	}
	if ann.InfoHash != ih || ann.PeerID != self || ann.NumWant != 3 || len(ann.Offers) != 3 {
		t.Fatalf("announce %s", raw)
	}
	var out []string
	for _, o := range ann.Offers {
		out = append(out, o.OfferID)
	}
	return out
}

// answerOffer answers the pooled offer offerID with a real pion peer,
// through the tracker, as a peer with a smaller id.
func answerOffer(t *testing.T, c *websocket.Conn, ss *session, ih, offerID string) {
	t.Helper()
	ss.mu.Lock()
	sealed := ss.pooled(offerID).sdp
	ss.mu.Unlock()
	gcm := crypt.NewGCM("", "test-app", "r")
	sdp, err := gcm.Decrypt(sealed)
	if err != nil {
		t.Fatal(err)
	}
	p, err := peer.New(peer.Config{RTCConfig: &posthorn.RTCConfiguration{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	answers := make(chan peer.Signal, 1)
	p.OnSignal(func(s peer.Signal) {
		if s.Type == peer.TypeAnswer {
			select {
			case answers <- s:
			default:
			}
		}
	})
	if err := p.Signal(peer.Signal{Type: peer.TypeOffer, SDP: sdp}); err != nil {
		t.Fatal(err)
	}
	var ans peer.Signal
	select {
	case ans = <-answers:
	case <-time.After(strategytest.WaitTimeout):
		t.Fatal("no answer")
	}
	sealedAns, err := gcm.Encrypt(ans.SDP)
	if err != nil {
		t.Fatal(err)
	}
	writeMsg(t, c, map[string]any{"action": "announce", "info_hash": ih, "peer_id": "00000000000000000001",
		"offer_id": offerID, "answer": v025wire.SDP{Type: "answer", SDP: sealedAns}})
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(strategytest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newSession025 is newSession for a 0.25 torrent room.
func newSession025(t *testing.T, cfg posthorn.Config) *engine.Session {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Protocol = posthorn.Protocol025
	es, err := engine.NewSession(engine.SessionConfig{Config: cfg, RoomID: "r", SelfID: ids.New(ids.SelfIDLen), Speaks025: true, Whole025: true, Passive025: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Room().Leave() })
	return es
}
