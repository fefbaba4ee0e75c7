//go:build !js

package interop

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
)

// testLogger sends a native peer's logs, debug records included, to t's
// log, prefixed with its name, until t ends. go test prints them only when
// t fails (or with -v), and then the connection attempts are what tell a
// rare failure's cause.
func testLogger(t testing.TB, name string) *slog.Logger {
	return leveledLogger(t, name, slog.LevelDebug)
}

// relayLogger is testLogger for relays: warnings and errors only, unless
// POSTHORN_INTEROP_DEBUG=1.
func relayLogger(t testing.TB, name string) *slog.Logger {
	return leveledLogger(t, name, slog.LevelWarn)
}

func leveledLogger(t testing.TB, name string, level slog.Level) *slog.Logger {
	if os.Getenv("POSTHORN_INTEROP_DEBUG") == "1" {
		level = slog.LevelDebug
	}
	h := &tlogHandler{t: t, name: name, level: level, state: &tlogState{}}
	t.Cleanup(func() { h.state.mu.Lock(); h.state.done = true; h.state.mu.Unlock() })
	return slog.New(h)
}

type tlogState struct {
	mu   sync.Mutex
	done bool
}

type tlogHandler struct {
	t     testing.TB
	name  string
	level slog.Level
	attrs []slog.Attr
	state *tlogState
}

func (h *tlogHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *tlogHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	for _, a := range h.attrs {
		b.WriteString(" " + a.String())
	}
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	h.state.mu.Lock()
	defer h.state.mu.Unlock()
	if !h.state.done {
		h.t.Logf("[%s] %s", h.name, b.String())
	}
	return nil
}

func (h *tlogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

func (h *tlogHandler) WithGroup(string) slog.Handler { return h }
