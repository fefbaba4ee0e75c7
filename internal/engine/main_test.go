package engine

import (
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestMain fails the package's tests if they leave goroutines running. The
// external tests link package posthorn, whose rooms keep a 0.25 connection
// open for two minutes after its last room (posthorn.SharedIdleTimeout);
// the leak check does not wait that long.
func TestMain(m *testing.M) {
	if roomlink.SetSharedIdle != nil {
		roomlink.SetSharedIdle(100 * time.Millisecond)
	}
	testutil.VerifyTestMain(m)
}
