package nostr

import (
	"testing"

	"github.com/posthorn/posthorn/internal/strategytest"
)

// TestPassive025: passive rooms through the Go relay (strategytest.RunPassive025).
func TestPassive025(t *testing.T) { strategytest.RunPassive025(t, harness) }
