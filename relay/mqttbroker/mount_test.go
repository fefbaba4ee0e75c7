package mqttbroker_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay"
)

// TestMountedInRelay: the combined relay serves the broker at relay.MQTTPath.
func TestMountedInRelay(t *testing.T) {
	testutil.RequireNetns(t)
	r := relay.New(relay.Config{Logger: quiet()})
	srv := httptest.NewServer(r)
	t.Cleanup(func() { r.Close(); srv.Close() })
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + relay.MQTTPath

	ctx := context.Background()
	got := make(chan string, 1)
	c := dial(t, url)
	c.Subscribe(ctx, "trystero/a/r", func(p []byte) { got <- string(p) })
	c.OnConnect(func(ctx context.Context) { c.Publish(ctx, "trystero/a/r", []byte("id")) })
	select {
	case s := <-got:
		if s != "id" {
			t.Fatalf("got %q", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no echo through the relay's broker")
	}
}
