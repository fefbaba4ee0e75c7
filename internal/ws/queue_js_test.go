//go:build js

package ws

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

func dialTest(t *testing.T, path string) *Conn {
	t.Helper()
	u := os.Getenv("POSTHORN_WS_SERVER")
	if u == "" {
		t.Skip("POSTHORN_WS_SERVER not set (scripts/test-wasm-mqtt sets it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Dial(ctx, u+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// TestQueueBound: a relay that sends 6 MiB to a reader that takes nothing
// fills the 4 MiB receive queue; the connection then fails with
// errQueueFull instead of holding more.
func TestQueueBound(t *testing.T) {
	c := dialTest(t, "/send?n=300&size=20480")
	select {
	case <-c.closed:
	case <-time.After(60 * time.Second):
		t.Fatal("connection still open after 6 MiB unread")
	}
	if _, _, err := c.Read(context.Background()); !errors.Is(err, errQueueFull) {
		t.Fatalf("Read error %v, want errQueueFull", err)
	}
}

// TestQueueDrains: the same 6 MiB read as it comes all arrives, in order.
func TestQueueDrains(t *testing.T) {
	c := dialTest(t, "/send?n=300&size=20480")
	for i := range 300 {
		_, b, err := c.Read(context.Background())
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(b) != 20480 || b[0] != byte(i) {
			t.Fatalf("message %d: %d bytes, first %d", i, len(b), b[0])
		}
	}
}

// TestStreamDeadline: a passed read deadline interrupts Stream's Read with
// os.ErrDeadlineExceeded and leaves the connection usable.
func TestStreamDeadline(t *testing.T) {
	c := dialTest(t, "/echo")
	s := Stream(context.Background(), c, MessageBinary).(interface {
		io.ReadWriteCloser
		SetReadDeadline(time.Time) error
	})
	defer s.Close()
	buf := make([]byte, 8)
	go s.SetReadDeadline(time.Unix(1, 0))
	if _, err := s.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read error %v, want os.ErrDeadlineExceeded", err)
	}
	s.SetReadDeadline(time.Time{})
	if _, err := s.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(s, buf[:3]); err != nil || string(buf[:3]) != "abc" {
		t.Fatalf("read %q, %v after the deadline was cleared", buf[:3], err)
	}
}
