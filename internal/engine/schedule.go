package engine

import "time"

// Schedule is when a room announces itself on a relay: at once, then after
// each of Warmup in turn (each capped at Steady), then every Steady.
type Schedule struct {
	Warmup []time.Duration
	Steady time.Duration
}

// Delay is the wait after announcement n (0 is the first) before the next.
func (sc Schedule) Delay(n int) time.Duration {
	if n >= 0 && n < len(sc.Warmup) {
		return min(sc.Warmup[n], sc.Steady)
	}
	return sc.Steady
}

// The announce schedule of Trystero 0.25.4 (protocol-0.25 §6.4, §11.1):
// the warm-up, the steady period of the topic strategies, and torrent's
// period, the tracker's interval clamped to [TorrentMinPeriod025,
// TorrentMaxPeriod025], TorrentMinPeriod025 until a tracker names one.
var warmup025 = []time.Duration{233 * time.Millisecond, 533 * time.Millisecond, 1333 * time.Millisecond}

const (
	TopicPeriod025      = 60 * time.Second
	TorrentMinPeriod025 = 10 * time.Second
	TorrentMaxPeriod025 = 120 * time.Second
)

// Schedule is the room's announce schedule on a relay whose steady period
// under Protocol025 is steady025: 0.18 rooms announce every
// Config.AnnounceInterval with no warm-up; 0.25 rooms warm up first, and a
// Config.AnnounceInterval that was set replaces steady025.
func (s *Session) Schedule(steady025 time.Duration) Schedule {
	switch {
	case !s.is025():
		return Schedule{Steady: s.cfg.AnnounceInterval}
	case s.announceSet:
		return Schedule{Warmup: warmup025, Steady: s.cfg.AnnounceInterval}
	}
	return Schedule{Warmup: warmup025, Steady: steady025}
}

// Timer is a pending call of an AfterFunc.
type Timer interface{ Stop() bool }

// AfterFunc calls f in its own goroutine after d, as time.AfterFunc; tests
// of the schedules put a fake clock in its place that records the waits
// and fires at will.
type AfterFunc func(d time.Duration, f func()) Timer

// RealAfter is time.AfterFunc.
func RealAfter(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
