package mqtt

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// TestPassive025: passive rooms through the Go broker (strategytest.RunPassive025).
func TestPassive025(t *testing.T) { strategytest.RunPassive025(t, harness) }

// TestPassive018: a passive room needs the 0.25 protocol.
func TestPassive018(t *testing.T) {
	s := New(&posthorn.Options{Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(s.Close)
	if _, err := s.JoinRoom(strategytest.Ctx(t), posthorn.Config{AppID: "a", Passive: true, RelayURLs: []string{"ws://127.0.0.1:1/mqtt"}}, "r"); err == nil {
		t.Fatal("a passive 0.18 room joined")
	}
}
