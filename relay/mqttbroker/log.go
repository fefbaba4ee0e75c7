package mqttbroker

import (
	"context"
	"log/slog"
)

// quietHandler passes on mochi's records at Error and above only, unless
// the relay's logger is at Debug: mochi warns for every client with
// keepalive 0 or a full queue, which under abuse would flood the log.
type quietHandler struct{ slog.Handler }

func mochiLogger(log *slog.Logger) *slog.Logger {
	if log.Enabled(context.Background(), slog.LevelDebug) {
		return log
	}
	return slog.New(quietHandler{log.Handler()})
}

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && h.Handler.Enabled(ctx, l)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
