// Package lazyattrs adds attributes to a logger without formatting them
// until something is logged. slog's own Logger.With has the handler format
// the attributes at once (slog's default and text handlers do), which is
// the first use of their formatting code: in the browser build V8 compiles
// that code on a join's path, for loggers that usually never log.
package lazyattrs

import (
	"context"
	"log/slog"
	"slices"
)

// With returns a logger that logs what l.With(attrs) would, handing the
// attributes to l's handler only when a record is handled.
func With(l *slog.Logger, attrs ...slog.Attr) *slog.Logger {
	if len(attrs) == 0 {
		return l
	}
	inner := l.Handler()
	if h, ok := inner.(*handler); ok {
		return slog.New(h.WithAttrs(attrs))
	}
	return slog.New(&handler{inner: inner, attrs: slices.Clip(attrs)})
}

// handler holds attributes for inner until a record needs them.
type handler struct {
	inner slog.Handler
	attrs []slog.Attr
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.WithAttrs(h.attrs).Handle(ctx, r)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	return &handler{inner: h.inner, attrs: slices.Concat(h.attrs, attrs)}
}

// WithGroup gives up on waiting: the held attributes belong outside the
// group.
func (h *handler) WithGroup(name string) slog.Handler {
	return h.inner.WithAttrs(h.attrs).WithGroup(name)
}
