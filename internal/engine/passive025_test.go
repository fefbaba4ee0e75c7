package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/engine/enginetest"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/testutil"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// TestPassiveQuiet025 follows a passive room through a hub on a fake
// clock (protocol-0.25 §6.5): it announces nothing on Ready, ignores
// passive messages and answers, becomes active on a plain announcement on
// the root topic (announcing with "passive":true and nudging the smaller
// id), and goes quiet again when the grace of 7.533 s ends with nothing to
// do.
func TestPassiveQuiet025(t *testing.T) {
	clock := enginetest.NewClock()
	h := newHub("mem://a")
	p := subscribed(t, tcfg{SelfID: "zzzzzzzzzzzzzzzzzzzz", Protocol: posthorn.Protocol025, Passive: true, Clock: clock.AfterFunc}, h)
	p.ready(h)
	root := p.s.RootTopic()
	if got := h.published(""); len(got) != 0 || p.s.Active() {
		t.Fatalf("a quiet passive room published %v (active %v)", got, p.s.Active())
	}
	other := "00000000000000000001"
	for _, msg := range [][]byte{
		v025wire.Announce(other, true),                    // passive
		[]byte(`{"peerId":"` + other + `","answer":"x"}`), // an answer
	} {
		_ = h.Publish(context.Background(), root, msg)
	}
	p.s.Deliver(h, p.s.SelfTopic(), v025wire.Announce(other, false)) // not on the root topic
	if got := h.published(""); len(got) != 2 || p.s.Active() {
		t.Fatalf("a quiet passive room woke up: %d publishes, active %v", len(got), p.s.Active())
	}

	// The strategy's activation hook (the self topic's subscription) runs
	// before the room publishes anything, so the offer that the nudge and
	// the announcement call for finds it in place.
	var hookSaw []int // how many messages the hub had carried when the hook ran
	p.s.OnActivate(func() { hookSaw = append(hookSaw, len(h.published(""))) })
	before := len(h.published(""))
	_ = h.Publish(context.Background(), root, v025wire.Announce(other, false))
	if !p.s.Active() {
		t.Fatal("a plain announcement did not activate the passive room")
	}
	if want := []int{before + 1}; !slices.Equal(hookSaw, want) {
		t.Fatalf("the activation hook saw %v messages on the hub, want %v (before the room's own)", hookSaw, want)
	}
	var announce, nudge bool
	for _, m := range h.published("") {
		switch {
		case m.topic == root && m.payload == string(v025wire.Announce(p.id, true)):
			announce = true
		case m.topic != root && m.payload == `{"peerId":"`+p.id+`"}`:
			nudge = true
		}
	}
	if !announce || !nudge {
		t.Fatalf("after activation: %v", h.published(""))
	}
	// Two timers: the idle check and the next announcement.
	var grace, next *enginetest.Timer
	for range 2 {
		switch ft := clock.Next(t, waitTimeout); ft.D {
		case 7533 * time.Millisecond:
			grace = ft
		case 233 * time.Millisecond:
			next = ft
		default:
			t.Fatalf("unexpected timer of %v", ft.D)
		}
	}
	if grace == nil || next == nil {
		t.Fatal("missing timer")
	}
	grace.F()
	if p.s.Active() {
		t.Fatal("still active after the grace with nothing to do")
	}
	n := len(h.published(""))
	next.F()
	if len(h.published("")) != n {
		t.Fatal("a quiet passive room announced")
	}
}

// TestTwoPassive025: a passive room ignores an active passive room's
// announcements and stays quiet.
func TestTwoPassive025(t *testing.T) {
	h := newHub("mem://a")
	a := subscribed(t, tcfg{Protocol: posthorn.Protocol025, Passive: true, Clock: enginetest.NewClock().AfterFunc}, h)
	b := subscribed(t, tcfg{Protocol: posthorn.Protocol025, Passive: true, Clock: enginetest.NewClock().AfterFunc}, h)
	a.ready(h)
	b.ready(h)
	// Wake a up with a plain announcement from someone else; a's own
	// announcement, passive, then reaches b through the hub.
	a.s.Deliver(h, a.s.RootTopic(), v025wire.Announce(ids.New(ids.SelfIDLen), false))
	if !a.s.Active() {
		t.Fatal("a did not become active")
	}
	if b.s.Active() {
		t.Fatal("b woke up on a passive room's announcement")
	}
	for _, m := range h.published("") {
		if strings.Contains(m.payload, b.id) {
			t.Fatalf("b published %s", m.payload)
		}
	}
}

// TestPassiveMeets025: a passive room and an active one meet over real
// WebRTC, whoever has the smaller id; the passive room's signals are
// marked passive.
func TestPassiveMeets025(t *testing.T) {
	testutil.RequireNetns(t)
	for _, passiveLeads := range []bool{true, false} {
		small, large := "0"+ids.New(ids.SelfIDLen-1), "z"+ids.New(ids.SelfIDLen-1)
		pid, aid := large, small
		if passiveLeads {
			pid, aid = small, large
		}
		h := newHub("mem://a")
		p := subscribed(t, tcfg{SelfID: pid, Protocol: posthorn.Protocol025, Passive: true}, h)
		a := subscribed(t, tcfg{SelfID: aid, Protocol: posthorn.Protocol025}, h)
		p.ready(h)
		a.ready(h)
		p.waitJoins(t, aid)
		a.waitJoins(t, pid)
		var marked bool
		for _, m := range h.published("") {
			msg, err := v025wire.Parse([]byte(m.payload))
			if err != nil || msg.PeerID != pid {
				continue
			}
			if msg.Kind == v025wire.KindOffer || msg.Kind == v025wire.KindAnswer {
				marked = msg.Passive
			}
		}
		if !marked {
			t.Fatalf("passive leads %v: the passive room's offer or answer is not marked passive", passiveLeads)
		}
	}
}

// TestPassiveNeeds025: passive rooms need Protocol025 and a strategy that
// runs them.
func TestPassiveNeeds025(t *testing.T) {
	for _, c := range []engine.SessionConfig{
		{Config: posthorn.Config{AppID: "a", Passive: true}, RoomID: "r", SelfID: "x", Passive025: true},
		{Config: posthorn.Config{AppID: "a", Passive: true, Protocol: posthorn.Protocol025}, RoomID: "r", SelfID: "x", Speaks025: true},
	} {
		if _, err := engine.NewSession(c); !errors.Is(err, posthorn.ErrProtocol) {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
