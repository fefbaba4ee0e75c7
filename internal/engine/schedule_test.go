package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
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

// fakeClock records the timers set on it; a test fires them by hand.
type fakeClock struct {
	set chan *fakeTimer
}

type fakeTimer struct {
	d       time.Duration
	f       func()
	mu      sync.Mutex
	stopped bool
}

func (ft *fakeTimer) Stop() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	was := !ft.stopped
	ft.stopped = true
	return was
}

func (ft *fakeTimer) isStopped() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return ft.stopped
}

func newFakeClock() *fakeClock { return &fakeClock{set: make(chan *fakeTimer, 16)} }

func (c *fakeClock) AfterFunc(d time.Duration, f func()) engine.Timer {
	ft := &fakeTimer{d: d, f: f}
	c.set <- ft
	return ft
}

// next returns the next timer set.
func (c *fakeClock) next(t *testing.T) *fakeTimer {
	t.Helper()
	select {
	case ft := <-c.set:
		return ft
	case <-time.After(waitTimeout):
		t.Fatal("no announce timer was set")
		return nil
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
	clock := newFakeClock()
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
	var ft *fakeTimer
	for i, d := range want {
		ft = clock.next(t)
		if ft.d != d {
			t.Fatalf("wait %d: %v, want %v", i, ft.d, d)
		}
		ft.f()
		if n := announcements(); n != i+2 {
			t.Fatalf("after wait %d: %d announcements, want %d", i, n, i+2)
		}
	}
	ft = clock.next(t) // the next minute

	// A lost peer sets two timers: the restarted schedule's, and the first
	// of recoverDelays (1 s), which this test never fires.
	engine.PeerLost(es, "somebody")
	again := clock.next(t)
	if again.d == time.Second {
		again = clock.next(t)
	} else if other := clock.next(t); other.d != time.Second {
		t.Fatalf("after a lost peer: waits %v and %v", again.d, other.d)
	}
	if again.d != 233*time.Millisecond || !ft.isStopped() {
		t.Fatalf("after a lost peer: next wait %v, old timer stopped %v", again.d, ft.isStopped())
	}
	if n := announcements(); n != len(want)+2 {
		t.Fatalf("a lost peer made %d announcements, want 1", n-len(want)-1)
	}

	tp.Forget(h)
	if !again.isStopped() {
		t.Fatal("a forgotten relay's timer is still set")
	}
	again.f() // a timer that fired as it was stopped
	if n := announcements(); n != len(want)+2 {
		t.Fatal("announced on a forgotten relay")
	}
}
