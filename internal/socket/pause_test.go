package socket

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/posthorn/posthorn"
)

// A socket whose connection ends while reconnection is paused dials nothing
// until ResumeReconnection, then reconnects.
func TestPauseReconnection(t *testing.T) {
	var dials atomic.Int32
	drop := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dials.Add(1)
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		gone := c.CloseRead(r.Context()) // done when the client closes
		select {
		case <-drop:
		case <-gone.Done():
		}
	}))
	defer srv.Close()
	defer ResumeReconnection()

	ResumeReconnection() // no pause: a no-op
	s := Dial("ws"+srv.URL[len("http"):], &Options{Reconnect: posthorn.ReconnectPolicy{Wait: 5 * time.Millisecond, MaxWait: 5 * time.Millisecond}})
	defer s.Close()
	waitState(t, s, posthorn.RelayOpen)

	PauseReconnection()
	PauseReconnection() // twice: still one pause
	drop <- struct{}{}
	waitState(t, s, posthorn.RelayClosed)
	// Unpaused, the socket would have dialled dozens of times by now.
	time.Sleep(200 * time.Millisecond)
	if n := dials.Load(); n != 1 {
		t.Fatalf("%d dials while paused, want the first only", n)
	}
	if st := s.State(); st != posthorn.RelayClosed {
		t.Fatalf("state %v while paused", st)
	}

	ResumeReconnection()
	waitState(t, s, posthorn.RelayOpen)
	if n := dials.Load(); n != 2 {
		t.Fatalf("%d dials after resuming, want 2", n)
	}
}
