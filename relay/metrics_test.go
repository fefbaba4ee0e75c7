//go:build !js

package relay

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// /healthz answers; /metrics counts a tracker exchange, a refused
// connection and the open connections.
func TestHealthAndMetrics(t *testing.T) {
	_, url := startRelay(t, Config{MaxConnsPerIP: 1})
	base := "http" + strings.TrimPrefix(url, "ws")
	if st, body := get(t, base+HealthPath); st != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthz: %d %q", st, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url+TrackerPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	msg := `{"action":"announce","info_hash":"5v555w112h626i264rj4","peer_id":"PEER0000000000000001"}`
	if err := ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Read(ctx); err != nil {
		t.Fatal(err)
	}
	if _, res, err := websocket.Dial(ctx, url+NostrPath, nil); err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second connection from one address: %v %v", res, err)
	}
	var body string
	// The server counts a message once its write returned, which may be
	// after the client read it.
	relaytest.WaitFor(t, "the answer counted", func() bool {
		_, body = get(t, base+MetricsPath)
		return strings.Contains(body, `posthorn_relay_messages_total{direction="out",service="tracker"} 1`)
	})
	for _, want := range []string{
		`posthorn_relay_messages_total{direction="in",service="tracker"} 1`,
		`posthorn_relay_messages_total{direction="out",service="tracker"} 1`,
		`posthorn_relay_bytes_total{direction="in",service="tracker"} 89`,
		`posthorn_relay_connections_refused_total{cap="per_ip"} 1`,
		`posthorn_relay_connections{service="tracker"} 1`,
		`posthorn_relay_connections_admitted 1`,
		`posthorn_relay_rooms{service="tracker"} 1`,
		`posthorn_relay_limit_hits_total{limit="rate",service="nostr"} 0`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
