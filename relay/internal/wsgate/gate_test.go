package wsgate

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

var errTestClosed = errors.New("wsgate test: closed")

// echo serves one upgraded client through g until it disconnects.
func echo(g *Gate) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ws, release, ok := g.Accept(w, r, "test: WebSocket only", nil)
		if !ok {
			return
		}
		defer release()
		for {
			typ, b, err := ws.Read(g.Context())
			if err != nil {
				return
			}
			if err := ws.Write(g.Context(), typ, b); err != nil {
				return
			}
		}
	}
}

func TestGateRefusals(t *testing.T) {
	tests := []struct {
		name    string
		upgrade bool
		prepare func(g *Gate)
		status  int
		body    string
	}{
		{"plain GET", false, func(*Gate) {}, http.StatusUpgradeRequired, "test: WebSocket only"},
		{"after Fail", true, func(g *Gate) { g.Fail(errors.New("wsgate test: broken")) }, http.StatusInternalServerError, "wsgate test: broken"},
		{"after Close", true, func(g *Gate) { g.Close(nil) }, http.StatusServiceUnavailable, errTestClosed.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(errTestClosed, slog.New(slog.DiscardHandler))
			defer g.Close(nil)
			tt.prepare(g)
			srv := httptest.NewServer(echo(g))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			if tt.upgrade {
				req.Header.Set("Connection", "Upgrade")
				req.Header.Set("Upgrade", "websocket")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status || !strings.Contains(string(b), tt.body) {
				t.Fatalf("got %d %q, want %d containing %q", res.StatusCode, b, tt.status, tt.body)
			}
		})
	}
}

func TestGateCloseEndsLiveClients(t *testing.T) {
	g := New(errTestClosed, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(echo(g))
	defer srv.Close()
	ctx := t.Context()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, b, err := ws.Read(ctx); err != nil || string(b) != "hi" {
		t.Fatalf("echo: %q, %v", b, err)
	}
	stopped := false
	if err := g.Close(func() error { stopped = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if !stopped {
		t.Fatal("Close did not run stop")
	}
	if g.Context().Err() != context.Canceled {
		t.Fatalf("Context after Close: %v", g.Context().Err())
	}
	if _, _, err := ws.Read(ctx); err == nil {
		t.Fatal("client still connected after Close")
	}
	if err := g.Close(func() error { return errors.New("second stop") }); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
