package ws_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/ws"
)

// dial connects to path on the test server; the connection closes with the
// test.
func dial(t *testing.T, path string) *ws.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := ws.Dial(ctx, serverURL(t)+path, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// TestEcho: text and binary messages, up to 3 MiB, come back byte for byte
// with their type.
func TestEcho(t *testing.T) {
	c := dial(t, "/echo")
	c.SetReadLimit(4 << 20)
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<16)
	ctx := context.Background()
	for _, m := range []struct {
		typ  ws.MessageType
		data []byte
	}{
		{ws.MessageText, []byte(`{"action":"announce","info_hash":"é✓"}`)},
		{ws.MessageBinary, []byte{0, 1, 2, 0xff, 0xfe}},
		{ws.MessageBinary, big},
		{ws.MessageText, []byte{}},
	} {
		if err := c.Write(ctx, m.typ, m.data); err != nil {
			t.Fatal(err)
		}
		typ, got, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ != m.typ || !bytes.Equal(got, m.data) {
			t.Fatalf("sent type %v, %d bytes; got type %v, %d bytes", m.typ, len(m.data), typ, len(got))
		}
	}
	if err := c.Close(ws.StatusNormalClosure, ""); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// TestCloseFromServer: the server's close code and reason reach Read as a
// CloseError.
func TestCloseFromServer(t *testing.T) {
	c := dial(t, "/close?code=4001&reason=bye")
	_, _, err := c.Read(context.Background())
	var ce ws.CloseError
	if !errors.As(err, &ce) || ce.Code != 4001 || ce.Reason != "bye" {
		t.Fatalf("Read error %v, want a CloseError 4001 \"bye\"", err)
	}
}

// TestReadLimit: a message over the read limit fails Read instead of
// arriving.
func TestReadLimit(t *testing.T) {
	c := dial(t, "/send?n=2&size=2000")
	c.SetReadLimit(1000)
	typ, b, err := c.Read(context.Background())
	if err == nil {
		t.Fatalf("read a %d-byte message (type %v) over a 1000-byte limit", len(b), typ)
	}
}

// TestReadContext: Read returns when its context ends.
func TestReadContext(t *testing.T) {
	c := dial(t, "/echo")
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	if _, _, err := c.Read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read error %v, want context.Canceled", err)
	}
}

// TestDialRefused: a port nobody listens on fails the dial with an error
// of its own, not by running out the context.
func TestDialRefused(t *testing.T) {
	serverURL(t) // under js, only where the test server's script runs (inside a namespace)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := ws.Dial(ctx, "ws://127.0.0.1:1/", nil)
	if err == nil {
		c.CloseNow()
		t.Fatal("dialled port 1")
	}
	if ctx.Err() != nil {
		t.Fatalf("dial ran out its context: %v", err)
	}
}
