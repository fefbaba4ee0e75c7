package torrent

import (
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestMain fails the package's tests if they leave goroutines running. A
// shared 0.25 connection outlives its last room by two minutes
// (posthorn.SharedIdleTimeout); the leak check does not wait that long.
func TestMain(m *testing.M) {
	roomlink.SetSharedIdle(100 * time.Millisecond)
	testutil.VerifyTestMain(m)
}
