package relay

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Serve stops when its context ends, closing the relay's open WebSockets
// (which http.Server.Shutdown alone would leave open).
func TestServeShutsDownWithOpenWebSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{})
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- r.Serve(ctx, ln, nil) }()

	dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, "ws://"+ln.Addr().String()+TrackerPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()

	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve = %v after shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, _, err := ws.Read(dctx); err == nil {
		t.Fatal("the WebSocket is still open after shutdown")
	}
}
