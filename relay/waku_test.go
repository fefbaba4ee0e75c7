//go:build !js

package relay

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/waku"
)

// A service beside the relay, the Waku node, shows in /metrics with the
// others' series and is closed with the relay (TestMain checks that no
// goroutine is left).
func TestAddServiceMetrics(t *testing.T) {
	testutil.RequireNetns(t)
	n, err := waku.New(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{})
	r.AddService("waku", n, n.Close)
	defer r.Close()
	srv := httptest.NewServer(r)
	defer srv.Close()
	_, body := get(t, srv.URL+MetricsPath)
	for _, want := range []string{
		`posthorn_relay_connections{service="waku"} 0`,
		`posthorn_relay_subscriptions{service="waku"} 0`,
		`posthorn_relay_messages_total{direction="in",service="waku"} 0`,
		`posthorn_relay_limit_hits_total{limit="rate",service="waku"} 0`,
		`posthorn_relay_messages_total{direction="in",service="tracker"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
