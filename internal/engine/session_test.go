package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// waitTimeout only guards against hangs.
const waitTimeout = 60 * time.Second

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// tcfg is what a test session is made from: the room's posthorn.Config
// fields the tests tune, and the topic options.
type tcfg struct {
	AppID, RoomID, SelfID string
	Password              string
	Logger                *slog.Logger
	AnnounceInterval      time.Duration
	AttemptTimeout        time.Duration
	MaxPending            int
	NudgeDelay            time.Duration
	Quirks                engine.Quirks
	Codec                 engine.Codec
	OnJoinError           func(*posthorn.JoinError)
	Protocol              posthorn.Protocol
	Passive               bool
	Clock                 engine.AfterFunc // nil: the real one
}

// newTopics makes a session and its topic strategy from c, filling in the
// app, room and self ids when empty; the room is left when the test ends.
func newTopics(t *testing.T, c tcfg) *engine.Topics {
	t.Helper()
	if c.AppID == "" {
		c.AppID = "test-app"
	}
	if c.RoomID == "" {
		c.RoomID = "room-1"
	}
	if c.SelfID == "" {
		c.SelfID = ids.New(ids.SelfIDLen)
	}
	if c.Logger == nil {
		c.Logger = quiet()
	}
	es, err := engine.NewSession(engine.SessionConfig{RoomID: c.RoomID, SelfID: c.SelfID, Config: posthorn.Config{
		AppID: c.AppID, Password: c.Password, RTCConfig: &posthorn.RTCConfiguration{}, Logger: c.Logger,
		AnnounceInterval: c.AnnounceInterval, AttemptTimeout: c.AttemptTimeout, MaxPendingAttempts: c.MaxPending,
		OnJoinError: c.OnJoinError, Protocol: c.Protocol, Passive: c.Passive,
	}, Speaks025: true, Passive025: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Clock != nil {
		engine.SetClock(es, c.Clock)
	}
	t.Cleanup(func() { _ = es.Room().Leave() })
	tp, err := engine.NewTopics(es, engine.TopicOptions{Codec: c.Codec, Quirks: c.Quirks, NudgeDelay: c.NudgeDelay})
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// member is a joined session and the peer ids it saw join.
type member struct {
	s      *engine.Topics
	id     string
	joined chan string
}

// join creates a session with cfg (AppID, RoomID, SelfID, RTCConfig filled
// in when empty), subscribes it on relays and announces.
func join(t *testing.T, cfg tcfg, relays ...*hub) *member {
	t.Helper()
	m := subscribed(t, cfg, relays...)
	for _, h := range relays {
		m.ready(h)
	}
	return m
}

// ready tells m's session that h is ready, which makes it announce there.
func (m *member) ready(h *hub) { _ = m.s.Ready(context.Background(), h) }

// subscribed is join without the announcements.
func subscribed(t *testing.T, cfg tcfg, relays ...*hub) *member {
	t.Helper()
	s := newTopics(t, cfg)
	m := &member{s: s, id: s.Session().SelfID(), joined: make(chan string, 16)}
	s.Session().Room().OnPeerJoin(func(id string) { m.joined <- id })
	for _, h := range relays {
		deliver := func(tp string, p []byte) { s.Deliver(h, tp, p) }
		h.Subscribe(s.RootTopic(), deliver)
		h.Subscribe(s.SelfTopic(), deliver)
	}
	return m
}

// waitJoins waits until m saw every id in want join.
func (m *member) waitJoins(t *testing.T, want ...string) {
	t.Helper()
	missing := map[string]bool{}
	for _, id := range want {
		missing[id] = true
	}
	deadline := time.After(waitTimeout)
	for len(missing) > 0 {
		select {
		case id := <-m.joined:
			delete(missing, id)
		case <-deadline:
			t.Fatalf("%s: peers never joined: %v", m.id, missing)
		}
	}
}

func TestThreePeersMeetAndTalk(t *testing.T) {
	testutil.RequireNetns(t)
	h := newHub("mem://1")
	a := join(t, tcfg{}, h)
	b := join(t, tcfg{}, h)
	c := join(t, tcfg{}, h)
	a.waitJoins(t, b.id, c.id)
	b.waitJoins(t, a.id, c.id)
	c.waitJoins(t, a.id, b.id)

	got := make(chan string, 2)
	for _, m := range []*member{b, c} {
		act, err := m.s.Session().Room().MakeAction("chat")
		if err != nil {
			t.Fatal(err)
		}
		act.OnReceive(func(msg transfer.Message, from string) { got <- from + ":" + msg.String() })
	}
	act, _ := a.s.Session().Room().MakeAction("chat")
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := act.Send(ctx, "hi", nil); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case s := <-got:
			if s != a.id+":hi" {
				t.Fatalf("received %q", s)
			}
		case <-ctx.Done():
			t.Fatal("message not received")
		}
	}
	// Announcements on the root topic are JSON-free raw ids (RawID codec).
	for _, p := range h.published("trystero/test-app/room-1") {
		if p.topic == "trystero/test-app/room-1" && !engine.ValidID(p.payload) {
			t.Fatalf("announcement payload %q", p.payload)
		}
	}
}

func TestPassword(t *testing.T) {
	testutil.RequireNetns(t)
	t.Run("match", func(t *testing.T) {
		h := newHub("mem://pw")
		a := join(t, tcfg{Password: "hunter2"}, h)
		b := join(t, tcfg{Password: "hunter2"}, h)
		a.waitJoins(t, b.id)
		b.waitJoins(t, a.id)
		// Offers and answers carry envelopes, never SDP in clear (§3).
		for _, p := range h.published("trystero/test-app/room-1/") {
			if strings.Contains(p.payload, "v=0") || !strings.Contains(p.payload, `\"iv\":[`) {
				t.Fatalf("signal not encrypted: %.120s", p.payload)
			}
		}
	})
	t.Run("mismatch", func(t *testing.T) {
		// Both sides learn it through OnJoinError (Trystero 0.25's
		// onJoinError), naming the other peer; nobody connects.
		h := newHub("mem://pw2")
		errsA, errsB := make(chan *posthorn.JoinError, 64), make(chan *posthorn.JoinError, 64)
		report := func(ch chan *posthorn.JoinError) func(*posthorn.JoinError) {
			return func(e *posthorn.JoinError) {
				select {
				case ch <- e:
				default:
				}
			}
		}
		a := join(t, tcfg{Password: "hunter2", OnJoinError: report(errsA)}, h)
		b := join(t, tcfg{Password: "letmein", OnJoinError: report(errsB)}, h)
		for _, w := range []struct {
			ch         chan *posthorn.JoinError
			self, peer string
		}{{errsA, a.id, b.id}, {errsB, b.id, a.id}} {
			select {
			case e := <-w.ch:
				if !errors.Is(e, posthorn.ErrWrongPassword) || e.PeerID != w.peer ||
					e.AppID != "test-app" || e.RoomID != "room-1" {
					t.Fatalf("%s: join error %+v", w.self, e)
				}
				if m := e.Err.Error(); m != "posthorn: incorrect room password when decrypting offer" &&
					m != "posthorn: incorrect room password when decrypting answer" {
					t.Fatalf("join error text %q", m)
				}
			case <-time.After(waitTimeout):
				t.Fatalf("%s never learnt of the password mismatch", w.self)
			}
		}
		if len(a.s.Session().Room().Peers()) != 0 || len(b.s.Session().Room().Peers()) != 0 {
			t.Fatal("peers with different passwords connected")
		}
	})
}

func TestMalformedPayloadsAreDropped(t *testing.T) {
	testutil.RequireNetns(t)
	h := newHub("mem://bad")
	logs := &testutil.LogRecorder{}
	a := join(t, tcfg{Logger: slog.New(logs)}, h)
	for _, p := range []struct{ topic, payload string }{
		{a.s.RootTopic(), ""},
		{a.s.RootTopic(), "has/slash"},
		{a.s.SelfTopic(), "not json"},
		{a.s.SelfTopic(), `{"peerId":"X","offer":{"type":"offer"}}`},
		{a.s.SelfTopic(), `{"peerId":"X","answer":{"type":"answer","sdp":"v=0"}}`}, // no outstanding offer
		{a.s.SelfTopic(), `{"peerId":"X","offer":{"type":"offer","sdp":"garbage"}}`},
	} {
		if err := h.Publish(context.Background(), p.topic, []byte(p.payload)); err != nil {
			t.Fatal(err)
		}
	}
	<-logs.Seen("dropping")
	// The session still works.
	b := join(t, tcfg{}, h)
	a.waitJoins(t, b.id)
	b.waitJoins(t, a.id)
}

// doubleRelay publishes on several hubs at once, like a client that sends
// each signal to every relay (which a Session never does).
type doubleRelay []*hub

func (d doubleRelay) URL() string { return "mem://double" }
func (d doubleRelay) Publish(ctx context.Context, tp string, p []byte) error {
	var errs []error
	for _, h := range d {
		errs = append(errs, h.Publish(ctx, tp, p))
	}
	return errors.Join(errs...)
}

func TestOfferCopiesGetOneAnswer(t *testing.T) {
	testutil.RequireNetns(t)
	h1, h2 := newHub("mem://h1"), newHub("mem://h2")
	dbl := doubleRelay{h1, h2}
	// a hears and publishes through both hubs at once.
	a := newTopics(t, tcfg{})
	aJoined := make(chan string, 4)
	a.Session().Room().OnPeerJoin(func(id string) { aJoined <- id })
	for _, h := range dbl {
		deliver := func(tp string, p []byte) { a.Deliver(dbl, tp, p) }
		h.Subscribe(a.RootTopic(), deliver)
		h.Subscribe(a.SelfTopic(), deliver)
	}
	b := join(t, tcfg{}, h1, h2) // b announces on both; a offers (on both)
	b.waitJoins(t, a.SelfTopic()[len(a.RootTopic())+1:])

	answers := 0
	for _, h := range dbl {
		for _, p := range h.published(a.SelfTopic()) {
			if strings.Contains(p.payload, `"answer"`) {
				answers++
			}
		}
	}
	// b answers on the relay of the first copy only; each hub logs what was
	// published on it.
	if answers != 1 {
		t.Fatalf("b published %d answers to copies of one offer, want 1", answers)
	}
}

func TestNudgeAfterUnansweredEncryptedOffer(t *testing.T) {
	testutil.RequireNetns(t)
	h := newHub("mem://nudge")
	cfg := tcfg{Password: "hunter2", Quirks: engine.Quirks{OffersNotDecrypted: true},
		NudgeDelay: 50 * time.Millisecond, AnnounceInterval: -1}
	a := join(t, cfg, h)
	// A peer that announces but never answers, like a JS 0.18 nostr peer
	// failing on the encrypted offer.
	const js = "JSPEER00000000000000"
	if err := h.Publish(context.Background(), a.s.RootTopic(), []byte(js)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		offers := h.published(engine.PeerTopic("test-app", "room-1", js))
		var announces int
		for _, p := range h.published(a.s.RootTopic()) {
			if p.topic == a.s.RootTopic() && p.payload == a.id {
				announces++
			}
		}
		if len(offers) == 1 && announces >= 2 {
			break // initial announcement + nudge
		}
		if len(offers) > 1 {
			t.Fatalf("%d offers to the same peer", len(offers))
		}
		if time.Now().After(deadline) {
			t.Fatalf("no nudge: %d offers, %d announcements", len(offers), announces)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPeriodicAnnounceRecoversFromRelayGlitch(t *testing.T) {
	testutil.RequireNetns(t)
	h := newHub("mem://glitch")
	a := join(t, tcfg{AnnounceInterval: 200 * time.Millisecond}, h)
	h.setDown(true)
	b := join(t, tcfg{AnnounceInterval: 200 * time.Millisecond}, h) // its announcement is lost
	h.setDown(false)
	a.waitJoins(t, b.id)
	b.waitJoins(t, a.id)
}

func TestMaxPending(t *testing.T) {
	testutil.RequireNetns(t)
	h := newHub("mem://max")
	logs := &testutil.LogRecorder{}
	a := join(t, tcfg{MaxPending: 2, AnnounceInterval: -1, Logger: slog.New(logs)}, h)
	for i := range 4 {
		_ = h.Publish(context.Background(), a.s.RootTopic(), fmt.Appendf(nil, "STRANGER%012d", i))
	}
	select {
	case <-logs.Seen("too many pending"):
	case <-time.After(waitTimeout):
		t.Fatal("limit not reported")
	}
	deadline := time.Now().Add(waitTimeout)
	for len(h.published("trystero/test-app/room-1/STRANGER")) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the first two strangers got no offer")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(h.published("trystero/test-app/room-1/STRANGER")); n != 2 {
		t.Fatalf("%d offers, want 2", n)
	}
}

func TestLeave(t *testing.T) {
	s := newTopics(t, tcfg{})
	stopped := make(chan struct{})
	s.Session().OnStop(func() { close(stopped) })
	if err := s.Session().Room().Leave(); err != nil {
		t.Fatal(err)
	}
	<-stopped
	h := newHub("mem://x")
	if err := s.Ready(context.Background(), h); err != nil || len(h.published("")) != 0 {
		t.Fatalf("Ready after leave = %v and published %v; want nothing", err, h.published(""))
	}
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		c    engine.SessionConfig
		want error
	}{
		{engine.SessionConfig{RoomID: "r", SelfID: "x"}, posthorn.ErrNoAppID},
		{engine.SessionConfig{Config: posthorn.Config{AppID: "a"}, SelfID: "x"}, posthorn.ErrNoRoomID},
		{engine.SessionConfig{Config: posthorn.Config{AppID: "a", Protocol: posthorn.Protocol025}, RoomID: "r", SelfID: "x"}, posthorn.ErrProtocol},
		{engine.SessionConfig{Config: posthorn.Config{AppID: "a", Protocol: "0.19"}, RoomID: "r", SelfID: "x"}, posthorn.ErrProtocol},
	} {
		if _, err := engine.NewSession(tc.c); !errors.Is(err, tc.want) {
			t.Errorf("NewSession(%+v) = %v, want %v", tc.c, err, tc.want)
		}
	}
	for _, p := range []posthorn.Protocol{"", posthorn.Protocol018, posthorn.Protocol025} {
		es, err := engine.NewSession(engine.SessionConfig{Config: posthorn.Config{AppID: "a", Protocol: p}, RoomID: "r", SelfID: "x", Speaks025: true})
		if err != nil {
			t.Fatalf("Protocol %q: %v", p, err)
		}
		es.Room().Leave()
	}
	// 0.25's topics are hashes: a '/' in the app id is fine.
	es025, err := engine.NewSession(engine.SessionConfig{Config: posthorn.Config{AppID: "a/b", Protocol: posthorn.Protocol025}, RoomID: "r", SelfID: "x", Speaks025: true})
	if err != nil {
		t.Fatal(err)
	}
	defer es025.Room().Leave()
	if _, err := engine.NewTopics(es025, engine.TopicOptions{}); err != nil {
		t.Fatalf("NewTopics on 0.25: %v", err)
	}
	es, err := engine.NewSession(engine.SessionConfig{Config: posthorn.Config{AppID: "a/b"}, RoomID: "r", SelfID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer es.Room().Leave()
	if _, err := engine.NewTopics(es, engine.TopicOptions{}); !errors.Is(err, engine.ErrSlash) {
		t.Errorf("NewTopics with a '/' in the app id = %v, want ErrSlash", err)
	}
}

// A late copy of an offer from a peer we are connected to is not answered
// (it would make a duplicate connection, protocol-0.18 §4.5).
func TestOfferFromConnectedPeerIsIgnored(t *testing.T) {
	testutil.RequireNetns(t)
	h := newHub("mem://late")
	a := join(t, tcfg{AnnounceInterval: -1}, h)
	b := join(t, tcfg{AnnounceInterval: -1}, h) // a offers to b
	a.waitJoins(t, b.id)
	b.waitJoins(t, a.id)
	offers := h.published(b.s.SelfTopic())
	answers := len(h.published(a.s.SelfTopic()))
	if len(offers) != 1 || answers != 1 {
		t.Fatalf("%d offers, %d answers; want 1 and 1", len(offers), answers)
	}
	if err := h.Publish(context.Background(), b.s.SelfTopic(), []byte(offers[0].payload)); err != nil {
		t.Fatal(err)
	}
	// The hub delivers synchronously, so b has handled the copy by now.
	if n := len(h.published(a.s.SelfTopic())); n != answers {
		t.Fatalf("b answered a copy of the offer of a connected peer (%d answers)", n)
	}
}
