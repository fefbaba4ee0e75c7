package strategytest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// Log is a slog.Handler that keeps every line (level, message, attributes
// as key=value) so a test can wait for a logged event. With
// POSTHORN_TEST_LOG=1 it also prints them to stderr. The zero value is not
// ready: use NewLog.
type Log struct {
	mu    sync.Mutex
	lines []string
	wake  chan struct{} // closed and replaced on every line
	print bool
}

// NewLog returns an empty Log.
func NewLog() *Log {
	return &Log{wake: make(chan struct{}), print: os.Getenv("POSTHORN_TEST_LOG") == "1"}
}

// Enabled records every level.
func (l *Log) Enabled(context.Context, slog.Level) bool { return true }

// WithAttrs returns a handler that adds as to every line it records here.
func (l *Log) WithAttrs(as []slog.Attr) slog.Handler { return logView{l, attrText("", as)} }

// WithGroup ignores the group: lines are matched by substrings anyway.
func (l *Log) WithGroup(string) slog.Handler { return l }

// Handle records r.
func (l *Log) Handle(_ context.Context, r slog.Record) error { l.add("", r); return nil }

func (l *Log) add(prefix string, r slog.Record) {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message + prefix)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	line := b.String()
	if l.print {
		fmt.Fprintln(os.Stderr, line)
	}
	l.mu.Lock()
	l.lines = append(l.lines, line)
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}

// Lines returns a copy of every line recorded so far.
func (l *Log) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Has reports whether one line contains every part.
func (l *Log) Has(parts ...string) bool { return l.Count(parts...) > 0 }

// Count reports how many lines contain every part.
func (l *Log) Count(parts ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if containsAll(line, parts) {
			n++
		}
	}
	return n
}

// Wait blocks until a line contains every part, or ctx ends.
func (l *Log) Wait(ctx context.Context, parts ...string) error {
	for {
		l.mu.Lock()
		wake := l.wake
		l.mu.Unlock()
		if l.Has(parts...) {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("nothing logged with %q: %w", parts, ctx.Err())
		}
	}
}

// changed returns a channel closed at the next recorded line.
func (l *Log) changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wake
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func attrText(prefix string, as []slog.Attr) string {
	for _, a := range as {
		prefix += " " + a.String()
	}
	return prefix
}

// logView is a Log with attributes added by WithAttrs.
type logView struct {
	l      *Log
	prefix string
}

func (v logView) Enabled(context.Context, slog.Level) bool { return true }
func (v logView) WithAttrs(as []slog.Attr) slog.Handler {
	return logView{v.l, attrText(v.prefix, as)}
}
func (v logView) WithGroup(string) slog.Handler                 { return v }
func (v logView) Handle(_ context.Context, r slog.Record) error { v.l.add(v.prefix, r); return nil }
