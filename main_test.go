package posthorn_test

import (
	"flag"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay"
)

// cleanup runs its function after the tests, before the leak check.
type cleanup struct {
	m    *testing.M
	done func()
}

func (c cleanup) Run() int {
	defer c.done()
	return c.m.Run()
}

// sharedIdleInTests is SharedIdleTimeout in the tests.
const sharedIdleInTests = 100 * time.Millisecond

// trackerURL is the loopback tracker the examples join through.
var trackerURL string

// TestMain serves a relay on loopback for the examples, which open peer
// connections and so run only inside scripts/in-netns; outside it they are
// skipped, as the tests that need the namespace are. Tests that leave
// goroutines running fail.
func TestMain(m *testing.M) {
	flag.Parse()
	// A shared 0.25 connection outlives its last room by two minutes; the
	// leak check does not wait that long (TestShared025 lengthens it).
	posthorn.SetSharedIdle(sharedIdleInTests)
	if !testutil.InNetns() {
		skip := "^Example$"
		if s := flag.Lookup("test.skip").Value.String(); s != "" {
			skip = s + "|" + skip
		}
		_ = flag.Set("test.skip", skip)
		testutil.VerifyTestMain(m)
		return
	}
	r := relay.New(relay.Config{Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(r)
	trackerURL = "ws" + strings.TrimPrefix(srv.URL, "http") + "/"
	testutil.VerifyTestMain(cleanup{m, func() {
		srv.Close()
		_ = r.Close()
	}})
}
