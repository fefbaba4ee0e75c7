package lazyattrs_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn/internal/lazyattrs"
)

// TestSameOutput: a logger from With writes what slog's Logger.With writes,
// through every way of adding to it.
func TestSameOutput(t *testing.T) {
	for _, tc := range []struct {
		name string
		use  func(l *slog.Logger, with func(*slog.Logger, ...slog.Attr) *slog.Logger)
	}{
		{"plain", func(l *slog.Logger, with func(*slog.Logger, ...slog.Attr) *slog.Logger) {
			with(l, slog.String("room", "r1"), slog.Int("n", 2)).Info("hello", "k", "v")
		}},
		{"chained", func(l *slog.Logger, with func(*slog.Logger, ...slog.Attr) *slog.Logger) {
			l2 := with(with(l, slog.String("self", "a")), slog.String("relay", "ws://x"))
			l2.With("peer", "p").Warn("lost", "err", "eof")
		}},
		{"group", func(l *slog.Logger, with func(*slog.Logger, ...slog.Attr) *slog.Logger) {
			with(l, slog.String("room", "r1")).WithGroup("g").Info("in group", "k", 1)
		}},
		{"below level", func(l *slog.Logger, with func(*slog.Logger, ...slog.Attr) *slog.Logger) {
			with(l, slog.String("room", "r1")).Debug("not shown")
		}},
		{"none", func(l *slog.Logger, with func(*slog.Logger, ...slog.Attr) *slog.Logger) {
			with(l).Error("bare")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, want bytes.Buffer
			tc.use(newLogger(&got), lazyattrs.With)
			tc.use(newLogger(&want), func(l *slog.Logger, attrs ...slog.Attr) *slog.Logger {
				args := make([]any, len(attrs))
				for i, a := range attrs {
					args[i] = a
				}
				return l.With(args...)
			})
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

// TestNoFormattingBeforeLog: the wrapped handler sees the attributes only
// once a record is handled.
func TestNoFormattingBeforeLog(t *testing.T) {
	rec := &recorder{Handler: slog.NewTextHandler(&bytes.Buffer{}, nil)}
	l := lazyattrs.With(slog.New(rec), slog.String("room", "r1"))
	l = lazyattrs.With(l, slog.String("self", "a"))
	if rec.withAttrs != 0 {
		t.Fatalf("WithAttrs called %d times before anything was logged", rec.withAttrs)
	}
	l.Info("x")
	if rec.withAttrs != 1 {
		t.Fatalf("WithAttrs called %d times for one record, want 1", rec.withAttrs)
	}
}

type recorder struct {
	slog.Handler
	withAttrs int
}

func (r *recorder) WithAttrs(as []slog.Attr) slog.Handler {
	r.withAttrs++
	return r.Handler.WithAttrs(as)
}

// newLogger is a text logger into buf without times.
func newLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
}
