package mqttbroker_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/mqttclient"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func start(t *testing.T, cfg mqttbroker.Config) (*mqttbroker.Server, string) {
	t.Helper()
	testutil.RequireNetns(t)
	cfg.Logger = quiet()
	b := mqttbroker.New(cfg)
	srv := httptest.NewServer(b)
	t.Cleanup(func() { b.Close(); srv.Close() })
	return b, "ws" + strings.TrimPrefix(srv.URL, "http") + "/mqtt"
}

func dial(t *testing.T, url string) *mqttclient.Client {
	c := mqttclient.Dial(url, mqttclient.Options{Reconnect: posthorn.ReconnectPolicy{Wait: 50 * time.Millisecond, MaxWait: 200 * time.Millisecond}, Logger: quiet()})
	t.Cleanup(func() { c.Close() })
	return c
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRelayPublishes: the broker forwards a publish to every subscriber of
// the topic, byte for byte, and to no one else.
func TestRelayPublishes(t *testing.T) {
	b, url := start(t, mqttbroker.Config{})
	ctx := context.Background()
	got := make(chan []byte, 4)
	other := make(chan []byte, 4)
	sub, pub, bystander := dial(t, url), dial(t, url), dial(t, url)
	sub.Subscribe(ctx, "trystero/a/r/ID", func(p []byte) { got <- p })
	bystander.Subscribe(ctx, "trystero/a/r/OTHER", func(p []byte) { other <- p })
	waitFor(t, "clients connected", func() bool {
		return sub.State() == posthorn.RelayOpen && pub.State() == posthorn.RelayOpen && bystander.State() == posthorn.RelayOpen && b.Clients() == 3
	})
	want := []byte(`{"peerId":"X","offer":{"type":"offer","sdp":"v=0\r\n"}}`)
	if err := pub.Publish(ctx, "trystero/a/r/ID", want); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if !bytes.Equal(p, want) {
			t.Fatalf("got %q", p)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery")
	}
	select {
	case p := <-other:
		t.Fatalf("bystander got %q", p)
	case <-time.After(100 * time.Millisecond):
	}
}

// TestRejects: what is not an MQTT WebSocket is refused with a clear status.
func TestRejects(t *testing.T) {
	_, url := start(t, mqttbroker.Config{})
	httpURL := "http" + strings.TrimPrefix(url, "ws")
	resp, err := http.Get(httpURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("plain GET: status %d, want 426", resp.StatusCode)
	}

	tests := []struct {
		name   string
		protos []string
		send   func(ctx context.Context, c *websocket.Conn) error
	}{
		{"no subprotocol", nil, nil},
		{"text message", []string{"mqtt"}, func(ctx context.Context, c *websocket.Conn) error {
			return c.Write(ctx, websocket.MessageText, []byte{0x10, 0})
		}},
		{"garbage", []string{"mqtt"}, func(ctx context.Context, c *websocket.Conn) error {
			return c.Write(ctx, websocket.MessageBinary, []byte("GET / HTTP/1.1\r\n\r\n"))
		}},
		{"oversized packet", []string{"mqtt"}, func(ctx context.Context, c *websocket.Conn) error {
			// CONNECT with a remaining length of 2 MiB (over the 256 KiB default).
			return c.Write(ctx, websocket.MessageBinary, []byte{0x10, 0x80, 0x80, 0x80, 0x01})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: tt.protos})
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			if tt.send != nil {
				if err := tt.send(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := c.Read(ctx); err == nil || ctx.Err() != nil {
				t.Fatalf("connection not closed by the broker: %v", err)
			}
		})
	}
}

// TestMaxClients: a client over the limit is refused at CONNECT; the others
// keep working.
func TestMaxClients(t *testing.T) {
	b, url := start(t, mqttbroker.Config{MaxClients: 2})
	a, c := dial(t, url), dial(t, url)
	waitFor(t, "two clients", func() bool {
		return b.Clients() == 2 && a.State() == posthorn.RelayOpen && c.State() == posthorn.RelayOpen
	})
	extra := dial(t, url)
	time.Sleep(300 * time.Millisecond)
	if extra.State() == posthorn.RelayOpen || b.Clients() != 2 {
		t.Fatalf("third client state %v, broker has %d clients", extra.State(), b.Clients())
	}
}

// TestClose: Close disconnects every client and refuses new ones.
func TestClose(t *testing.T) {
	b, url := start(t, mqttbroker.Config{})
	a := dial(t, url)
	waitFor(t, "connected", func() bool { return a.State() == posthorn.RelayOpen })
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "client dropped", func() bool { return a.State() != posthorn.RelayOpen })
	time.Sleep(300 * time.Millisecond)
	if a.State() == posthorn.RelayOpen {
		t.Fatal("client reconnected to a closed broker")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
