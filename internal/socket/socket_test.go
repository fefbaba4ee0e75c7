package socket

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/posthorn/posthorn"
)

// echoServer is a loopback WebSocket server that echoes every message with a
// prefix and can be stopped and restarted on the same port.
type echoServer struct {
	addr   string
	srv    *http.Server
	cancel context.CancelFunc
}

func startEcho(t *testing.T, addr string) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	// Hijacked WebSocket connections outlive http.Server.Close, so the
	// handlers also watch ctx, which stop cancels.
	ctx, cancel := context.WithCancel(context.Background())
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			reply := "echo:" + string(msg)
			if string(msg) == "proto" {
				reply = "proto:" + c.Subprotocol()
			}
			if c.Write(ctx, typ, []byte(reply)) != nil {
				return
			}
		}
	})}
	go srv.Serve(ln)
	return &echoServer{addr: ln.Addr().String(), srv: srv, cancel: cancel}
}

func (e *echoServer) stop() { e.cancel(); e.srv.Close() }

func waitState(t *testing.T, s *Socket, want posthorn.RelayState) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("state %v, want %v", s.State(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSocketSendReceiveReconnect(t *testing.T) {
	e := startEcho(t, "127.0.0.1:0")
	got := make(chan string, 10)
	opened := make(chan struct{}, 10)
	s := Dial("ws://"+e.addr, &Options{Reconnect: posthorn.ReconnectPolicy{Wait: 20 * time.Millisecond}, Subprotocols: []string{"mqtt"}})
	defer s.Close()
	s.OnMessage("room", func(b []byte) { got <- string(b) })
	s.OnOpen("room", func() { opened <- struct{}{} })
	waitState(t, s, posthorn.RelayOpen)
	<-opened

	if err := s.Send(context.Background(), []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m != "echo:hi" {
		t.Fatalf("got %q", m)
	}
	if err := s.Send(context.Background(), []byte("proto")); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m != "proto:mqtt" {
		t.Fatalf("subprotocol not negotiated: %q", m)
	}

	// Kill the server: the socket notices, fails sends, and reconnects once
	// the server is back on the same port, running OnOpen again.
	e.stop()
	deadline := time.Now().Add(10 * time.Second)
	for s.State() == posthorn.RelayOpen && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Send(context.Background(), []byte("lost")); !errors.Is(err, ErrNotOpen) {
		t.Fatalf("Send while down = %v, want ErrNotOpen", err)
	}
	e2 := startEcho(t, e.addr)
	defer e2.stop()
	waitState(t, s, posthorn.RelayOpen)
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("OnOpen did not run after reconnecting")
	}
	s.Remove("room")
	if err := s.Send(context.Background(), []byte("again")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		t.Fatalf("removed listener still got %q", m)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestSocketCloseAndPool(t *testing.T) {
	e := startEcho(t, "127.0.0.1:0")
	defer e.stop()
	var p Pool
	url := "ws://" + e.addr
	a, b := p.Get(url), p.Get(url)
	if a != b {
		t.Fatal("pool dialled the same URL twice")
	}
	waitState(t, a, posthorn.RelayOpen)
	if st := p.States()[url]; st != posthorn.RelayOpen {
		t.Fatalf("States()[url] = %v", st)
	}
	p.Close()
	if st := a.State(); st != posthorn.RelayClosed {
		t.Fatalf("state after Close = %v", st)
	}
	if err := a.Send(context.Background(), []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close = %v", err)
	}
}

func TestSocketUnreachableKeepsTrying(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	s := Dial("ws://"+addr, &Options{Reconnect: posthorn.ReconnectPolicy{Wait: 10 * time.Millisecond, MaxWait: 20 * time.Millisecond}})
	defer s.Close()
	time.Sleep(100 * time.Millisecond)
	if st := s.State(); st == posthorn.RelayOpen {
		t.Fatal("open with no server")
	}
	e := startEcho(t, addr)
	defer e.stop()
	waitState(t, s, posthorn.RelayOpen)
	if !strings.HasPrefix(s.URL(), "ws://127.0.0.1:") {
		t.Fatal(s.URL())
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Policy: WithDefaults(posthorn.ReconnectPolicy{Wait: time.Second, MaxWait: 5 * time.Second, Jitter: -1}, DefaultReconnect)}
	var got []time.Duration
	for range 5 {
		got = append(got, b.Next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	if !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Fatalf("after Reset: %v, want 1s", d)
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	b := Backoff{Policy: DefaultReconnect}
	for range 1000 {
		b.Reset()
		if d := b.Next(); d < 3*time.Second || d > 5*time.Second {
			t.Fatalf("first wait %v, want 4s ± 25%%", d)
		}
	}
}
