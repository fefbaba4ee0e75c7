// Package enginetest has test helpers for code that runs on the engine: a
// clock whose timers a test fires by hand.
package enginetest

import (
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/engine"
)

// Clock records the timers set on it (engine.AfterFunc); a test takes them
// with Next and fires them by hand.
type Clock struct{ set chan *Timer }

// Timer is one timer set on a Clock: its wait and its function.
type Timer struct {
	D time.Duration
	F func()

	mu      sync.Mutex
	stopped bool
}

// NewClock returns a Clock that holds up to 64 timers not yet taken.
func NewClock() *Clock { return &Clock{set: make(chan *Timer, 64)} }

// AfterFunc records a timer; it never fires by itself.
func (c *Clock) AfterFunc(d time.Duration, f func()) engine.Timer {
	ft := &Timer{D: d, F: f}
	c.set <- ft
	return ft
}

// Next returns the next timer set, failing t if none is set within wait.
func (c *Clock) Next(t testing.TB, wait time.Duration) *Timer {
	t.Helper()
	select {
	case ft := <-c.set:
		return ft
	case <-time.After(wait):
		t.Fatal("no timer was set")
		return nil
	}
}

// Stop marks the timer stopped and reports whether it was not already.
func (ft *Timer) Stop() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	was := !ft.stopped
	ft.stopped = true
	return was
}

// Stopped reports whether Stop was called.
func (ft *Timer) Stopped() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return ft.stopped
}
