package posthorn_test

import (
	"flag"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay"
)

// trackerURL is the loopback tracker the examples join through.
var trackerURL string

// TestMain serves a relay on loopback for the examples, which open peer
// connections and so run only inside scripts/in-netns; outside it they are
// skipped, as the tests that need the namespace are.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testutil.InNetns() {
		skip := "^Example$"
		if s := flag.Lookup("test.skip").Value.String(); s != "" {
			skip = s + "|" + skip
		}
		_ = flag.Set("test.skip", skip)
		os.Exit(m.Run())
	}
	r := relay.New(relay.Config{Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(r)
	trackerURL = "ws" + strings.TrimPrefix(srv.URL, "http") + "/"
	code := m.Run()
	srv.Close()
	_ = r.Close()
	os.Exit(code)
}
