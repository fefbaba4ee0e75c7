package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/engine/enginetest"
	"github.com/posthorn/posthorn/internal/ids"
)

func TestScheduleDelay(t *testing.T) {
	ms := time.Millisecond
	warm := []time.Duration{233 * ms, 533 * ms, 1333 * ms}
	for _, tt := range []struct {
		name string
		sc   engine.Schedule
		want []time.Duration // Delay(0), Delay(1), ...
	}{
		{"0.18", engine.Schedule{Steady: 33 * time.Second}, []time.Duration{33 * time.Second, 33 * time.Second}},
		{"0.25 topics", engine.Schedule{Warmup: warm, Steady: time.Minute}, []time.Duration{233 * ms, 533 * ms, 1333 * ms, time.Minute, time.Minute}},
		{"0.25 short steady caps the warm-up", engine.Schedule{Warmup: warm, Steady: 500 * ms}, []time.Duration{233 * ms, 500 * ms, 500 * ms, 500 * ms}},
	} {
		for n, want := range tt.want {
			if got := tt.sc.Delay(n); got != want {
				t.Errorf("%s: Delay(%d) = %v, want %v", tt.name, n, got, want)
			}
		}
	}
}

// TestSessionSchedule: 0.18 rooms keep announcing every AnnounceInterval
// without a warm-up; 0.25 rooms warm up, then take the strategy's steady
// period unless AnnounceInterval was set.
func TestSessionSchedule(t *testing.T) {
	for _, tt := range []struct {
		protocol posthorn.Protocol
		interval time.Duration
		want     []time.Duration
	}{
		{"", 0, []time.Duration{engine.DefaultAnnounceInterval, engine.DefaultAnnounceInterval}},
		{posthorn.Protocol018, 5 * time.Second, []time.Duration{5 * time.Second, 5 * time.Second}},
		{posthorn.Protocol025, 0, []time.Duration{233 * time.Millisecond, 533 * time.Millisecond, 1333 * time.Millisecond, engine.TopicPeriod025}},
		{posthorn.Protocol025, 5 * time.Second, []time.Duration{233 * time.Millisecond, 533 * time.Millisecond, 1333 * time.Millisecond, 5 * time.Second}},
	} {
		es, err := engine.NewSession(engine.SessionConfig{Config: posthorn.Config{AppID: "a", Protocol: tt.protocol, AnnounceInterval: tt.interval, Logger: quiet()},
			RoomID: "r", SelfID: ids.New(ids.SelfIDLen), Speaks025: true})
		if err != nil {
			t.Fatal(err)
		}
		sc := es.Schedule(engine.TopicPeriod025)
		for n, want := range tt.want {
			if got := sc.Delay(n); got != want {
				t.Errorf("%q, interval %v: Delay(%d) = %v, want %v", tt.protocol, tt.interval, n, got, want)
			}
		}
		_ = es.Room().Leave()
	}
}

// TestSchedule025 records a 0.25 room's announcements on a fake clock:
// one at once, then after 233, 533 and 1333 ms, then every minute
// (protocol-0.25 §6.4); a lost peer starts the schedule over; a forgotten
// relay gets no more.
func TestSchedule025(t *testing.T) {
	es, err := engine.NewSession(engine.SessionConfig{Config: posthorn.Config{AppID: "test-app", Protocol: posthorn.Protocol025,
		RTCConfig: &posthorn.RTCConfiguration{}, Logger: quiet()}, RoomID: "room-1", SelfID: ids.New(ids.SelfIDLen), Speaks025: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Room().Leave() })
	clock := enginetest.NewClock()
	engine.SetClock(es, clock.AfterFunc)
	tp, err := engine.NewTopics(es, engine.TopicOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := newHub("mem://a")
	announcements := func() int { return len(h.published(tp.RootTopic())) }
	if err := tp.Ready(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if n := announcements(); n != 1 {
		t.Fatalf("%d announcements on Ready, want 1", n)
	}
	want := []time.Duration{233 * time.Millisecond, 533 * time.Millisecond, 1333 * time.Millisecond, time.Minute, time.Minute}
	var ft *enginetest.Timer
	for i, d := range want {
		ft = clock.Next(t, waitTimeout)
		if ft.D != d {
			t.Fatalf("wait %d: %v, want %v", i, ft.D, d)
		}
		ft.F()
		if n := announcements(); n != i+2 {
			t.Fatalf("after wait %d: %d announcements, want %d", i, n, i+2)
		}
	}
	ft = clock.Next(t, waitTimeout) // the next minute

	// A lost peer sets two timers: the restarted schedule's, and the first
	// of recoverDelays (1 s), which this test never fires.
	engine.PeerLost(es, "somebody")
	again := clock.Next(t, waitTimeout)
	if again.D == time.Second {
		again = clock.Next(t, waitTimeout)
	} else if other := clock.Next(t, waitTimeout); other.D != time.Second {
		t.Fatalf("after a lost peer: waits %v and %v", again.D, other.D)
	}
	if again.D != 233*time.Millisecond || !ft.Stopped() {
		t.Fatalf("after a lost peer: next wait %v, old timer stopped %v", again.D, ft.Stopped())
	}
	if n := announcements(); n != len(want)+2 {
		t.Fatalf("a lost peer made %d announcements, want 1", n-len(want)-1)
	}

	tp.Forget(h)
	if !again.Stopped() {
		t.Fatal("a forgotten relay's timer is still set")
	}
	again.F() // a timer that fired as it was stopped
	if n := announcements(); n != len(want)+2 {
		t.Fatal("announced on a forgotten relay")
	}
}
