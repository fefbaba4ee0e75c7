package testutil

import (
	"log/slog"
	"testing"
)

func TestLogRecorder(t *testing.T) {
	var rec LogRecorder
	log := slog.New(&rec).With("k", "v")
	early := rec.Seen("joined")
	log.Info("peer joined")
	log.Warn("peer lost")
	log.Error("relay failed")
	select {
	case <-early:
	default:
		t.Fatal("Seen before the message: not closed after it")
	}
	select {
	case <-rec.Seen("peer"):
	default:
		t.Fatal("Seen after the message: not closed at once")
	}
	select {
	case <-rec.Seen("never"):
		t.Fatal("Seen closed for a message never logged")
	default:
	}
	for _, tt := range []struct {
		sub  string
		want int
	}{{"peer", 2}, {"relay", 1}, {"", 3}, {"never", 0}} {
		if got := rec.Count(tt.sub); got != tt.want {
			t.Errorf("Count(%q) = %d, want %d", tt.sub, got, tt.want)
		}
	}
	if got := rec.AtLeast(slog.LevelWarn); got != 2 {
		t.Errorf("AtLeast(Warn) = %d, want 2", got)
	}
	if !rec.Has("lost") || rec.Has("never") {
		t.Error("Has disagrees with what was logged")
	}
}
