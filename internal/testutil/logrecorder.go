package testutil

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// LogRecorder is a slog.Handler that keeps every record's level and
// message, so a test can check what the code under test logged: how often
// a message appeared, how many warnings there were, or wait until a message
// shows up. Attributes and groups are ignored. The zero value is ready.
type LogRecorder struct {
	mu    sync.Mutex
	recs  []logRecord
	watch []logWatch
}

type logRecord struct {
	level slog.Level
	msg   string
}

type logWatch struct {
	sub string
	ch  chan struct{}
}

var _ slog.Handler = (*LogRecorder)(nil)

// Enabled records every level.
func (l *LogRecorder) Enabled(context.Context, slog.Level) bool { return true }

// WithAttrs returns l: attributes are not recorded.
func (l *LogRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }

// WithGroup returns l: groups are not recorded.
func (l *LogRecorder) WithGroup(string) slog.Handler { return l }

// Handle records r and wakes the waiters whose substring its message has.
func (l *LogRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, logRecord{r.Level, r.Message})
	kept := l.watch[:0]
	for _, w := range l.watch {
		if strings.Contains(r.Message, w.sub) {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	l.watch = kept
	return nil
}

// Count returns how many recorded messages contain sub.
func (l *LogRecorder) Count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.recs {
		if strings.Contains(r.msg, sub) {
			n++
		}
	}
	return n
}

// Has reports whether a recorded message contains sub.
func (l *LogRecorder) Has(sub string) bool { return l.Count(sub) > 0 }

// AtLeast returns how many records have level lvl or above.
func (l *LogRecorder) AtLeast(lvl slog.Level) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.recs {
		if r.level >= lvl {
			n++
		}
	}
	return n
}

// Seen returns a channel that is closed once a message containing sub has
// been recorded (at once if one already was).
func (l *LogRecorder) Seen(sub string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan struct{})
	for _, r := range l.recs {
		if strings.Contains(r.msg, sub) {
			close(ch)
			return ch
		}
	}
	l.watch = append(l.watch, logWatch{sub, ch})
	return ch
}
