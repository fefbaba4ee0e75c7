package torrent

import (
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

func TestAdoptInterval(t *testing.T) {
	es := newSession(t, posthorn.Config{AppID: "a"})
	ss := &session{s: &Strategy{maxAnnounce: defaultMaxAnnounceInterval, after: engine.RealAfter}, es: es, every: engine.DefaultAnnounceInterval}
	ss.timer = time.AfterFunc(time.Hour, func() {})
	defer func() { ss.mu.Lock(); ss.timer.Stop(); ss.mu.Unlock() }()
	// Applied in order: only 33 < interval ≤ 120 and only increases (§7.1).
	for _, tt := range []struct {
		secs float64
		want time.Duration
	}{
		{20, 33 * time.Second},
		{33, 33 * time.Second},
		{121, 33 * time.Second},
		{60, 60 * time.Second},
		{45, 60 * time.Second},
		{120, 120 * time.Second},
		{600, 120 * time.Second},
	} {
		ss.adoptInterval(tt.secs)
		if ss.every != tt.want {
			t.Fatalf("after interval %v: period %v, want %v", tt.secs, ss.every, tt.want)
		}
	}
}

// TestNewRoundReplacesPool checks that each announce destroys the unanswered
// offers of the previous round and builds a fresh pool of 10 (§7.1), and that
// leaving destroys the rest.
func TestNewRoundReplacesPool(t *testing.T) {
	testutil.RequireNetns(t)
	trk := startTracker(t)
	s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(s.Close)
	ss := s.open(newSession(t, posthorn.Config{AppID: "a", RTCConfig: &posthorn.RTCConfiguration{}, RelayURLs: []string{trk.URL}}))
	ss.mu.Lock()
	first := append([]*offer(nil), ss.pool...)
	ss.mu.Unlock()
	if len(first) != offerPoolSize {
		t.Fatalf("pool of %d", len(first))
	}
	ss.announceAll()
	ss.mu.Lock()
	second := append([]*offer(nil), ss.pool...)
	round := ss.round
	ss.mu.Unlock()
	if len(second) != offerPoolSize || round != 2 {
		t.Fatalf("pool of %d in round %d", len(second), round)
	}
	ids := map[string]bool{}
	for _, o := range first {
		ids[o.id] = true
		select {
		case <-o.a.Done():
		case <-time.After(strategytest.WaitTimeout):
			t.Fatal("an unanswered offer of the previous round survived")
		}
	}
	for _, o := range second {
		if ids[o.id] {
			t.Fatalf("offer id %s reused", o.id)
		}
	}
	if err := ss.es.Room().Leave(); err != nil {
		t.Fatal(err)
	}
	for _, o := range second {
		select {
		case <-o.a.Done():
		case <-time.After(strategytest.WaitTimeout):
			t.Fatal("leave left an offer alive")
		}
	}
	if ss.timer.Stop() {
		t.Fatal("announce timer still running after leave")
	}
}

// newSession returns an engine session for room "r" with cfg, left when the
// test ends.
func newSession(t *testing.T, cfg posthorn.Config) *engine.Session {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	es, err := engine.NewSession(engine.SessionConfig{Config: cfg, RoomID: "r", SelfID: ids.New(ids.SelfIDLen)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Room().Leave() })
	return es
}
