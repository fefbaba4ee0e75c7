package relay

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestTrackerMountedAtRootAndAnnounce(t *testing.T) {
	r := New(Config{})
	hs := httptest.NewServer(r)
	defer hs.Close()
	defer r.Close()
	base := "ws" + strings.TrimPrefix(hs.URL, "http")
	for _, path := range []string{"/", "/announce"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ws, _, err := websocket.Dial(ctx, base+path, nil)
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", path, err)
		}
		msg := `{"action":"announce","info_hash":"5v555w112h626i264rj4","peer_id":"PEER0000000000000001"}`
		if err := ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, b, err := ws.Read(ctx)
		cancel()
		if err != nil || !strings.Contains(string(b), `"action":"announce"`) {
			t.Fatalf("%s: %s %v", path, b, err)
		}
		ws.CloseNow()
	}
}

func TestCloseStopsServices(t *testing.T) {
	r := New(Config{})
	hs := httptest.NewServer(r)
	defer hs.Close()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http"), nil); err == nil {
		t.Fatal("tracker still accepts after Close")
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
