package mqttbroker_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func start(t testing.TB, cfg mqttbroker.Config) (*mqttbroker.Server, string) {
	t.Helper()
	cfg.Logger = quiet()
	b := mqttbroker.New(cfg)
	srv := httptest.NewServer(b)
	t.Cleanup(func() { b.Close(); srv.Close() })
	return b, "ws" + strings.TrimPrefix(srv.URL, "http") + "/mqtt"
}

// dialWS opens an MQTT WebSocket without speaking MQTT yet.
func dialWS(t testing.TB, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(-1)
	t.Cleanup(func() { ws.CloseNow() })
	return ws
}
