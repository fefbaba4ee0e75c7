package mqttbroker_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay"
	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// TestMountedInRelay: the combined relay serves the broker at relay.MQTTPath.
func TestMountedInRelay(t *testing.T) {
	r := relay.New(relay.Config{Logger: quiet()})
	srv := httptest.NewServer(r)
	t.Cleanup(func() { r.Close(); srv.Close() })
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + relay.MQTTPath

	c := connect(t, url, 60)
	c.subscribe(t, "trystero/a/r")
	c.publish(t, "trystero/a/r", []byte("id"))
	select {
	case p := <-c.got:
		if string(p.Payload) != "id" {
			t.Fatalf("got %q", p.Payload)
		}
	case <-time.After(relaytest.Patience):
		t.Fatal("no echo through the relay's broker")
	}
}
