package strategytest

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

func TestLog(t *testing.T) {
	l := NewLog()
	log := slog.New(l).With("room", "r1")
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
		defer cancel()
		done <- l.Wait(ctx, "WARN", "password", "peer=p2")
	}()
	log.Info("joined", "peer", "p1")
	log.Warn("cannot use offer (different password?)", "peer", "p2")
	log.With("x", 1).Warn("again password", "peer", "p2")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		parts []string
		want  int
	}{
		{[]string{"room=r1"}, 3},
		{[]string{"WARN", "password", "peer=p2"}, 2},
		{[]string{"x=1", "room=r1", "again"}, 1},
		{[]string{"INFO", "peer=p2"}, 0},
	}
	for _, tt := range tests {
		if got := l.Count(tt.parts...); got != tt.want || l.Has(tt.parts...) != (tt.want > 0) {
			t.Errorf("Count(%q) = %d, want %d; lines %q", tt.parts, got, tt.want, l.Lines())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx, "never logged"); err == nil {
		t.Fatal("Wait for a line never logged returned nil")
	}
}
