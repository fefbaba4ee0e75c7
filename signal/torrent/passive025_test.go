package torrent

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/engine/enginetest"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/topic"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// TestPassive025 follows a passive 0.25 room on a scripted tracker and a
// fake clock (protocol-0.25 §6.5, §11.1): quiet, it announces
// {…,"left":0,"numwant":3,"offers":[]} at once and every 120 s; an offer
// wakes it, and it answers and announces three offers; once its attempt
// is over and the grace ends it is quiet again, its offers closed.
func TestPassive025(t *testing.T) {
	testutil.RequireNetns(t)
	st := newScriptedTracker(t)
	clock := enginetest.NewClock()
	s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler)})
	s.after = clock.AfterFunc
	t.Cleanup(s.Close)
	ss := s.open(newSession025(t, posthorn.Config{AppID: "test-app", Passive: true, AttemptTimeout: 10 * time.Second,
		RTCConfig: &posthorn.RTCConfiguration{}, RelayURLs: []string{st.url}}))
	c := st.accept()
	ih := topic.ForRoom("test-app", "r").InfoHash()
	quiet := string(v025wire.TorrentQuietAnnounce(ih, s.SelfID()))
	if want := `{"action":"announce","info_hash":"` + ih + `","peer_id":"` + s.SelfID() + `","left":0,"numwant":3,"offers":[]}`; quiet != want {
		t.Fatalf("quiet announce %s, want %s", quiet, want)
	}
	if got := string(readMsg(t, c)); got != quiet {
		t.Fatalf("first message %s, want the quiet announce", got)
	}
	ft := clock.Next(t, strategytest.WaitTimeout)
	if ft.D != quietPeriod025 {
		t.Fatalf("quiet period %v", ft.D)
	}
	ft.F()
	if got := string(readMsg(t, c)); got != quiet {
		t.Fatalf("second message %s, want the quiet announce", got)
	}

	// An offer from a larger id wakes the room, which answers it (no
	// offers of its own were out) and announces three offers.
	sealed, err := crypt.NewGCM("", "test-app", "r").Encrypt(realOffer(t))
	if err != nil {
		t.Fatal(err)
	}
	from := "zzzzzzzzzzzzzzzzzzz1"
	writeMsg(t, c, map[string]any{"action": "announce", "info_hash": ih, "peer_id": from,
		"offer_id": "OFFERID0000000000001", "offer": v025wire.SDP{Type: "offer", SDP: sealed}})
	var answered, offered bool
	for !answered || !offered {
		raw := readMsg(t, c)
		switch {
		case bytes.Contains(raw, []byte(`"answer"`)):
			answered = bytes.Contains(raw, []byte(`"to_peer_id":"`+from+`"`))
		default:
			var ann announce025
			if err := json.Unmarshal(raw, &ann); err != nil || string(raw) == quiet {
				t.Fatalf("after the offer: %s", raw)
			}
			offered = len(ann.Offers) == 3
		}
	}
	var grace *enginetest.Timer
	for grace == nil {
		if ft := clock.Next(t, strategytest.WaitTimeout); ft.D == engine.PassiveGrace025 {
			grace = ft
		}
	}
	ss.mu.Lock()
	pool := append([]*offer(nil), ss.pool...)
	ss.mu.Unlock()

	// The answering attempt times out after AttemptTimeout (nobody takes
	// our answer; 10 s leave room for making the answer under -race);
	// then the idle check makes the room quiet.
	waitFor(t, "the answering attempt to end", ss.es.Idle)
	grace.F()
	for {
		raw := readMsg(t, c)
		if string(raw) == quiet {
			break
		}
		if bytes.Contains(raw, []byte(`"answer"`)) {
			t.Fatalf("after the grace: %s", raw)
		}
	}
	for _, o := range pool {
		select {
		case <-o.a.Done():
		case <-time.After(strategytest.WaitTimeout):
			t.Fatal("an offer outlived the passive room's activity")
		}
	}
}

// TestPassiveMeet025 joins two passive rooms through the Go tracker: quiet,
// they have no offers out and do not meet over a few seconds of announces.
// Then an active room joins: it meets both, and each meets it. Once woken,
// a passive torrent room takes part fully: tracker messages carry no
// passive flag, so the two may then meet each other, as in JS.
func TestPassiveMeet025(t *testing.T) {
	testutil.RequireNetns(t)
	trk := startTracker(t)
	join := func(passive bool) (string, chan string) {
		s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler), Reconnect: &posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond}})
		t.Cleanup(s.Close)
		r, err := s.JoinRoom(strategytest.Ctx(t), posthorn.Config{AppID: "test-app", Protocol: posthorn.Protocol025, Passive: passive,
			RelayURLs: []string{trk.URL}, RTCConfig: &posthorn.RTCConfiguration{}}, "room-1")
		if err != nil {
			t.Fatal(err)
		}
		joined := make(chan string, 8)
		r.OnPeerJoin(func(id string) { joined <- id })
		return s.SelfID(), joined
	}
	id1, joined1 := join(true)
	id2, joined2 := join(true)
	select {
	case id := <-joined1:
		t.Fatalf("quiet passive room 1 met %s", id)
	case id := <-joined2:
		t.Fatalf("quiet passive room 2 met %s", id)
	case <-time.After(3 * time.Second):
	}
	id3, joined3 := join(false)
	wait := func(who string, joined chan string, want ...string) {
		t.Helper()
		missing := map[string]bool{}
		for _, id := range want {
			missing[id] = true
		}
		for len(missing) > 0 {
			select {
			case id := <-joined:
				delete(missing, id)
			case <-time.After(strategytest.WaitTimeout):
				t.Fatalf("%s never met %v", who, missing)
			}
		}
	}
	wait("the active room", joined3, id1, id2)
	wait("passive room 1", joined1, id3)
	wait("passive room 2", joined2, id3)
}
