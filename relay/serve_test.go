package relay

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// Serve stops when its context ends: open tracker and Nostr WebSockets are
// closed with 1012 (service restart), which tells clients to reconnect,
// rather than left open (as http.Server.Shutdown alone would) or cut.
func TestServeShutsDownTellingClientsToReconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{})
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- r.Serve(ctx, ln, nil) }()

	dctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	closes := make(chan websocket.StatusCode, 2)
	for _, path := range []string{TrackerPath, NostrPath} {
		ws, _, err := websocket.Dial(dctx, "ws://"+ln.Addr().String()+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.CloseNow()
		go func() {
			for {
				if _, _, err := ws.Read(dctx); err != nil {
					closes <- websocket.CloseStatus(err)
					return
				}
			}
		}()
	}
	relaytest.WaitFor(t, "two connections", func() bool { return r.Conns() == 2 })

	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve = %v after shutdown", err)
		}
	case <-time.After(relaytest.Patience):
		t.Fatal("Serve did not return after its context ended")
	}
	for range 2 {
		if code := <-closes; code != websocket.StatusServiceRestart {
			t.Fatalf("closed with %v, want 1012 (service restart)", code)
		}
	}
}
