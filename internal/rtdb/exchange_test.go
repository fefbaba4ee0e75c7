package rtdb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
)

// script is a scripted server: what it sends on connecting, and what it
// answers to each request action. The messages are the shapes the real
// service sends as the SDK's parser (@firebase/database's Connection and
// PersistentConnection) reads them; firebase-server sends none of
// redirect, shutdown or merge, nor splits a hello.
type script struct {
	hello   []string                        // frames sent on connecting
	answers map[string]func(r int) []string // frames sent for a request
	got     chan string                     // every client frame
}

func (s *script) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.ws" || r.URL.Query().Get("v") != "5" || r.URL.Query().Get("ns") == "" {
			http.Error(w, "bad path", http.StatusNotFound)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		for _, f := range s.hello {
			if c.Write(ctx, websocket.MessageText, []byte(f)) != nil {
				return
			}
		}
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			s.got <- string(msg)
			var m struct {
				D struct {
					R int    `json:"r"`
					A string `json:"a"`
				} `json:"d"`
			}
			if json.Unmarshal(msg, &m) != nil {
				continue
			}
			if f := s.answers[m.D.A]; f != nil {
				for _, out := range f(m.D.R) {
					_ = c.Write(ctx, websocket.MessageText, []byte(out))
				}
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func ok(r int) string {
	b, _ := json.Marshal(map[string]any{"t": "d", "d": map[string]any{"r": r, "b": map[string]any{"s": "ok", "d": map[string]any{}}}})
	return string(b)
}

const hello = `{"t":"c","d":{"t":"h","d":{"ts":1700000000000,"v":"5","h":"s-usc1c-nss-2.firebaseio.com","s":"sessionid"}}}`

// TestExchange: a hello split over frames, a redirect to another host, an
// onDisconnect put, a listen answered by a set and a merge, a put refused
// with permission_denied, and a shutdown.
func TestExchange(t *testing.T) {
	testutil.RequireNetns(t)
	target := &script{
		// split: a frame count, then the message in two frames
		hello: []string{"2", hello[:40], hello[40:]},
		got:   make(chan string, 64),
		answers: map[string]func(int) []string{
			"o": func(r int) []string { return []string{ok(r)} },
			"q": func(r int) []string {
				return []string{
					`{"t":"d","d":{"a":"d","b":{"p":"root/room","d":{"a":{"_":true}}}}}`,
					ok(r),
					`{"t":"d","d":{"a":"m","b":{"p":"root/room/b","d":{"_":true,"a/-N1":"sig"}}}}`,
				}
			},
			"p": func(r int) []string {
				return []string{`{"t":"d","d":{"r":` + itoa(r) + `,"b":{"s":"permission_denied","d":"Permission denied"}}}`}
			},
		},
	}
	tsrv := target.serve(t)
	host := strings.TrimPrefix(tsrv.URL, "http://")
	first := &script{hello: []string{`{"t":"c","d":{"t":"r","d":"` + host + `"}}`}, got: make(chan string, 8)}
	fsrv := first.serve(t)

	c, err := New(fsrv.URL+"?ns=demo", Options{Reconnect: posthorn.ReconnectPolicy{Wait: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan Event, 8)
	errs := make(chan error, 8)
	connected := make(chan context.Context, 2)
	c.OnConnect(func(ctx context.Context) { connected <- ctx })
	c.OnError(func(err error) { errs <- err })
	c.Start()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	select {
	case <-connected: // on the redirect target: the first server only redirects
	case <-ctx.Done():
		t.Fatal("never connected")
	}
	if c.State() != posthorn.RelayOpen {
		t.Fatalf("state %v", c.State())
	}
	if err := c.OnDisconnectPut(ctx, "root/room/a", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(ctx, "/root/room", func(e Event) { events <- e }); err != nil {
		t.Fatal(err)
	}
	var tr Tree
	for range 2 {
		select {
		case e := <-events:
			if err := tr.Apply(e); err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
			t.Fatal("missing push")
		}
	}
	if tr.Get("a", "_") != true || tr.Get("b", "_") != true || tr.Get("b", "a", "-N1") != "sig" {
		t.Fatalf("tree %v", tr.Get())
	}
	if err := c.Put(ctx, "root/room/a", map[string]any{"_": true}); err == nil || !strings.Contains(err.Error(), "permission_denied") {
		t.Fatalf("refused put: %v", err)
	}
	// the client's requests, in order, as the SDK writes them
	want := []string{
		`{"d":{"a":"o","b":{"d":null,"p":"/root/room/a"},"r":1},"t":"d"}`,
		`{"d":{"a":"q","b":{"h":"","p":"/root/room"},"r":2},"t":"d"}`,
		`{"d":{"a":"p","b":{"d":{"_":true},"p":"/root/room/a"},"r":3},"t":"d"}`,
	}
	for _, w := range want {
		if got := <-target.got; got != w {
			t.Fatalf("client sent %s, want %s", got, w)
		}
	}
	select {
	case err := <-errs:
		t.Fatalf("unexpected error %v", err)
	default:
	}
}

// TestShutdown: a server that shuts the connection down (a disabled
// database) is reported through OnError.
func TestShutdown(t *testing.T) {
	testutil.RequireNetns(t)
	s := &script{hello: []string{`{"t":"c","d":{"t":"s","d":"Database disabled"}}`}, got: make(chan string, 8)}
	srv := s.serve(t)
	c, err := New(srv.URL, Options{Reconnect: posthorn.ReconnectPolicy{Wait: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	c.OnError(func(err error) { errs <- err })
	c.Start()
	defer c.Close()
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "Database disabled") {
			t.Fatalf("error %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("no error")
	}
	if err := c.Put(context.Background(), "x", 1); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("put while down: %v", err)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestTooLarge: a server message over Options.MaxMessage drops the
// connection before it is assembled, and the reason is reported.
func TestTooLarge(t *testing.T) {
	testutil.RequireNetns(t)
	big := strings.Repeat("x", 600)
	s := &script{hello: []string{"3", big, big, big}, got: make(chan string, 8)}
	srv := s.serve(t)
	c, err := New(srv.URL, Options{MaxMessage: 1000, Reconnect: posthorn.ReconnectPolicy{Wait: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	c.OnError(func(err error) { errs <- err })
	c.Start()
	defer c.Close()
	select {
	case err := <-errs:
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("error %v, want ErrTooLarge", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("no error")
	}
}
