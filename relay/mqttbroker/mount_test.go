package mqttbroker_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/relay"
)

// TestMountedInRelay: the combined relay serves the broker at relay.MQTTPath.
func TestMountedInRelay(t *testing.T) {
	r := relay.New(relay.Config{Logger: quiet()})
	srv := httptest.NewServer(r)
	t.Cleanup(func() { r.Close(); srv.Close() })
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + relay.MQTTPath

	c := connect(t, url, 60)
	c.subscribe("trystero/a/r")
	c.suback()
	c.publish("trystero/a/r", []byte("id"))
	if p := c.payload(); string(p) != "id" {
		t.Fatalf("got %q", p)
	}
}
