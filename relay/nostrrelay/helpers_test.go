package nostrrelay

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"
)

// waitTimeout only guards against hangs.
const waitTimeout = 20 * time.Second

func startRelay(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := New(cfg)
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); _ = s.Close() })
	return s, "ws" + strings.TrimPrefix(hs.URL, "http")
}

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 22)
	t.Cleanup(func() { ws.CloseNow() })
	return &client{t, ws}
}

func (c *client) send(msg string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		c.t.Fatal(err)
	}
}

// recv returns the next message as a JSON array.
func (c *client) recv() []json.RawMessage {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil {
		c.t.Fatalf("relay sent non-array %s", b)
	}
	return arr
}

// expect reads the next message and checks its type.
func (c *client) expect(typ string) []json.RawMessage {
	c.t.Helper()
	m := c.recv()
	if got := str(m[0]); got != typ {
		c.t.Fatalf("got %s, want %s: %s", got, typ, m)
	}
	return m
}

func str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

var testKey = gonostr.GeneratePrivateKey()

// signed returns a signed event as JSON.
func signed(t *testing.T, kind int, tags gonostr.Tags, content string, createdAt int64) (string, gonostr.Event) {
	t.Helper()
	e := gonostr.Event{Kind: kind, Tags: tags, Content: content, CreatedAt: gonostr.Timestamp(createdAt)}
	if err := e.Sign(testKey); err != nil {
		t.Fatal(err)
	}
	return e.String(), e
}
