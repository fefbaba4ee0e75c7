package mqtt

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

// testLogger logs to stderr with -v, else nowhere. (t.Log would panic when
// a background goroutine logs after the test ended.)
func testLogger(_ testing.TB, name string) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("who", name)
}
