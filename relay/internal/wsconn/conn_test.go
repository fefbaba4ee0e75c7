package wsconn

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var testLimits = Limits{
	QueueBytes: 1000, WriteTimeout: 5 * time.Second, FirstMessage: 5 * time.Second,
	PingInterval: time.Minute, Rate: rate.Inf, Burst: 1,
}

// serve runs each accepted connection through a Conn, hands it to got and
// reads until the client goes.
func serve(t *testing.T, got chan<- *Conn) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		c := New(ctx, ws, testLimits)
		got <- c
		for {
			if _, err := c.Read(); err != nil {
				break
			}
		}
		c.Close()
	}))
	t.Cleanup(func() { cancel(); hs.Close() })
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.Dial(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return ws
}

// Segments arrive as one message; a message over the byte cap drops the
// connection.
func TestSegmentsAndByteCap(t *testing.T) {
	got := make(chan *Conn, 1)
	url := serve(t, got)
	ws := dial(t, url)
	c := <-got
	if !c.Send([]byte(`["EVENT","s",`), []byte(`{"id":1}`), []byte(`]`)) {
		t.Fatal("Send refused a small message")
	}
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	if _, b, err := ws.Read(ctx); err != nil || string(b) != `["EVENT","s",{"id":1}]` {
		t.Fatalf("got %q, %v", b, err)
	}
	if c.Send(make([]byte, testLimits.QueueBytes+1)) {
		t.Fatal("Send took a message over the cap")
	}
	select {
	case <-c.Dead():
	default:
		t.Fatal("connection not dropped")
	}
	if _, _, err := ws.Read(ctx); err == nil {
		t.Fatal("client still connected")
	}
}

// An idle connection costs the server one goroutine, its reader.
func TestIdleConnectionOneGoroutine(t *testing.T) {
	const n = 50
	got := make(chan *Conn, n)
	url := serve(t, got)
	base := relaytest.Goroutines()
	for range n {
		dial(t, url).Write(context.Background(), websocket.MessageText, []byte("hi"))
		(<-got).Send([]byte("hello")) // a write loop starts and ends
	}
	relaytest.WaitFor(t, "write loops ended", func() bool { return relaytest.Goroutines()-base <= n+2 })
}

// Handle runs f to completion before returning, and a panic in f reaches
// the caller, where the relay's handler recovers it.
func TestHandle(t *testing.T) {
	c := &Conn{handled: make(chan struct{})}
	ran := false
	c.Handle(func() { ran = true })
	if !ran {
		t.Fatal("f had not run when Handle returned")
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "boom") {
			t.Fatalf("recovered %v, want f's panic", r)
		}
	}()
	c.Handle(func() { panic("boom") })
	t.Fatal("Handle returned after f panicked")
}
