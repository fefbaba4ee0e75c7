//go:build !js

package relay

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/relay/tracker"
)

func startRelay(t *testing.T, cfg Config) (*Relay, string) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	r := New(cfg)
	hs := httptest.NewServer(r)
	t.Cleanup(func() { r.Close(); hs.Close() })
	return r, "ws" + strings.TrimPrefix(hs.URL, "http")
}

// dialFrom opens a WebSocket to url as client address ip (X-Forwarded-For).
func dialFrom(ctx context.Context, url, ip string, protos ...string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{"X-Forwarded-For": {ip}}
	return websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h, Subprotocols: protos})
}

// Idle connections of every kind (tracker, nostr, MQTT without CONNECT, MQTT
// with keepalive 0) are closed by their deadlines; goroutines and heap
// return to where they were.
func TestIdleConnectionsAreClosed(t *testing.T) {
	const perKind = 200
	r, url := startRelay(t, Config{
		MaxConnsPerIP:  perKind * 4,
		ClientIPHeader: "X-Forwarded-For",
		Tracker:        tracker.Config{FirstMessageTimeout: time.Second},
		Nostr:          nostrrelay.Config{FirstMessageTimeout: time.Second},
		MQTT:           mqttbroker.Config{ConnectTimeout: time.Second, IdleTimeout: 2 * time.Second},
	})
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	goroutines, heap := relaytest.Goroutines(), relaytest.LiveHeap()
	connect311KA0 := []byte{0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 0}
	var conns []*websocket.Conn
	for i := range perKind {
		ip := fmt.Sprintf("10.0.%d.%d", i/250, i%250)
		for _, kind := range []string{TrackerPath, NostrPath, MQTTPath, MQTTPath + "?ka0"} {
			var protos []string
			if strings.HasPrefix(kind, MQTTPath) {
				protos = []string{"mqtt"}
			}
			ws, _, err := dialFrom(ctx, url+kind, ip, protos...)
			if err != nil {
				t.Fatalf("dial %s: %v", kind, err)
			}
			if strings.HasSuffix(kind, "?ka0") {
				if err := ws.Write(ctx, websocket.MessageBinary, connect311KA0); err != nil {
					t.Fatal(err)
				}
			}
			conns = append(conns, ws)
		}
	}
	// Some may already have timed out on a loaded machine; all were admitted.
	t.Logf("%d of %d idle connections still open (both ends in this process): %d goroutines, heap +%d KB",
		r.Conns(), 4*perKind, relaytest.Goroutines()-goroutines, relaytest.HeapGrowth(heap)>>10)
	for _, ws := range conns {
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				if ctx.Err() != nil {
					t.Fatal("an idle connection was not closed")
				}
				break
			}
		}
		ws.CloseNow()
	}
	conns = nil // the client ends live in this process too
	relaytest.WaitFor(t, "connections released", func() bool { return r.Conns() == 0 })
	relaytest.WaitFor(t, "goroutines back", func() bool { return relaytest.Goroutines() <= goroutines+2 })
	if growth := relaytest.HeapGrowth(heap); growth > 4<<20 {
		t.Fatalf("heap still %d bytes above where it was", growth)
	}
}

// Connections over the per-address or the global cap are refused with 503
// before the upgrade; others keep working.
func TestConnectionCaps(t *testing.T) {
	r, url := startRelay(t, Config{MaxConns: 6, MaxConnsPerIP: 3, ClientIPHeader: "X-Forwarded-For"})
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	dial := func(ip string) int {
		ws, res, err := dialFrom(ctx, url+NostrPath, ip)
		if err != nil {
			if res == nil {
				t.Fatal(err)
			}
			return res.StatusCode
		}
		t.Cleanup(func() { ws.CloseNow() })
		return http.StatusSwitchingProtocols
	}
	for range 3 {
		if st := dial("192.0.2.1"); st != http.StatusSwitchingProtocols {
			t.Fatalf("status %d within the caps", st)
		}
	}
	if st := dial("192.0.2.1"); st != http.StatusServiceUnavailable {
		t.Fatalf("4th from one address: %d, want 503", st)
	}
	for range 3 {
		if st := dial("192.0.2.2"); st != http.StatusSwitchingProtocols {
			t.Fatalf("status %d within the caps", st)
		}
	}
	if st := dial("192.0.2.3"); st != http.StatusServiceUnavailable {
		t.Fatalf("7th overall: %d, want 503", st)
	}
	if r.Conns() != 6 {
		t.Fatalf("%d connections counted", r.Conns())
	}
}
