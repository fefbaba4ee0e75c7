package p2p

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	gomplex "github.com/libp2p/go-mplex"
)

// pipeToGoMplex connects our muxer (dialer) to go-mplex (listener) over an
// in-memory pipe.
func pipeToGoMplex(t *testing.T) (*muxer, *gomplex.Multiplex) {
	t.Helper()
	a, b := net.Pipe()
	ours := newMuxer(a)
	theirs, err := gomplex.NewMultiplex(b, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ours.Close()
		theirs.Close()
	})
	return ours, theirs
}

// drainStreams reads and drops every stream accept yields, until it fails.
func drainStreams[S io.Reader](accept func() (S, error)) {
	for {
		s, err := accept()
		if err != nil {
			return
		}
		go func() { _, _ = io.Copy(io.Discard, s) }()
	}
}

// TestMplexGoMplex: streams both ways with go-mplex, data in many messages,
// half-close and reset seen on both sides.
func TestMplexGoMplex(t *testing.T) {
	ours, theirs := pipeToGoMplex(t)
	msg := bytes.Repeat([]byte("mplex "), 50000) // several messages

	// We open; go-mplex echoes until our half-close.
	go func() {
		s, err := theirs.Accept()
		if err != nil {
			return
		}
		_, _ = io.Copy(s, s)
		_ = s.CloseWrite()
	}()
	s, err := ours.NewStream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = s.Write(msg)
		_ = s.CloseWrite()
	}()
	back, err := io.ReadAll(s)
	if err != nil || !bytes.Equal(back, msg) {
		t.Fatalf("echo: %d bytes, %v; want %d", len(back), err, len(msg))
	}
	_ = s.Close()

	// go-mplex opens; we read to EOF and answer.
	answer := make(chan string, 1)
	go func() {
		hs, err := theirs.NewStream(context.Background())
		if err != nil {
			answer <- err.Error()
			return
		}
		_, _ = hs.Write([]byte("to you"))
		_ = hs.CloseWrite()
		b, err := io.ReadAll(hs)
		if err != nil {
			b = []byte(err.Error())
		}
		_ = hs.Close()
		answer <- string(b)
	}()
	in, err := ours.Accept()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(in)
	if err != nil || string(b) != "to you" {
		t.Fatalf("inbound: %q, %v", b, err)
	}
	if _, err := in.Write([]byte("to you too")); err != nil {
		t.Fatal(err)
	}
	if err := in.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if a := <-answer; a != "to you too" {
		t.Fatalf("go-mplex read %q", a)
	}

	// go-mplex resets a stream we opened: our read fails.
	go func() {
		r, err := theirs.Accept()
		if err == nil {
			_ = r.Reset()
		}
	}()
	s2, err := ours.NewStream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(s2); !errors.Is(err, ErrStreamReset) {
		t.Fatalf("read of a reset stream: %v", err)
	}
}

// TestMplexBounds: a stream nobody reads is reset past maxStreamBuffer, a
// read deadline ends a blocked read, and the connection's end fails
// streams.
// TestMplexCloseResetRace: closing a stream while a context's AfterFunc
// resets it (waku's roundTrip does both) must not race; run with -race.
func TestMplexCloseResetRace(t *testing.T) {
	ours, theirs := pipeToGoMplex(t)
	go drainStreams(theirs.Accept)
	for range 50 {
		s, err := ours.NewStream(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			_ = s.Reset()
			close(done)
		}()
		_ = s.Close()
		_ = s.CloseWrite()
		<-done
	}
}

// TestMplexNoStreamAfterClose: a new-stream message handled after the
// session ended (the read loop can be mid-message when Close runs) makes no
// stream: one would never be failed, and a Read on it would block forever.
func TestMplexNoStreamAfterClose(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	m := newMuxer(a)
	m.Close()
	if err := m.handle(1, flagNewStream, []byte("1")); !errors.Is(err, errMuxClosed) {
		t.Fatalf("handle after Close: %v, want errMuxClosed", err)
	}
	select {
	case s := <-m.accept:
		t.Fatalf("stream %v queued for Accept after Close", s.key)
	default:
	}
}

func TestMplexBounds(t *testing.T) {
	ours, theirs := pipeToGoMplex(t)
	flood := make(chan error, 1)
	go func() {
		hs, err := theirs.NewStream(context.Background())
		if err != nil {
			flood <- err
			return
		}
		chunk := make([]byte, 256<<10)
		for range 2 * maxStreamBuffer / len(chunk) {
			if _, err := hs.Write(chunk); err != nil {
				flood <- err
				return
			}
		}
		// The reset reaches go-mplex; its reads fail.
		_, err = io.ReadAll(hs)
		flood <- err
	}()
	in, err := ours.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if err := <-flood; err == nil {
		t.Fatal("flooding go-mplex saw no reset")
	}
	if _, err := io.ReadAll(in); !errors.Is(err, ErrStreamReset) {
		t.Fatalf("flooded stream read: %v", err)
	}

	s, err := ours.NewStream(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_ = s.SetDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := s.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past its deadline: %v", err)
	}
	_ = s.SetDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, err := s.Read(make([]byte, 1))
		done <- err
	}()
	theirs.Close()
	if err := <-done; err == nil {
		t.Fatal("read after the connection ended succeeded")
	}
	if _, err := ours.Accept(); err == nil {
		t.Fatal("accept after the connection ended succeeded")
	}
}

// FuzzMplexRead: whatever a peer sends, the muxer applies it or ends the
// session; it never panics.
func FuzzMplexRead(f *testing.F) {
	f.Add([]byte{0x08, 0x01, '1', 0x0a, 0x02, 'h', 'i', 0x0c, 0x00, 0x08, 0x00})
	f.Add([]byte{0x00, 0x00, 0x02, 0x01, 'x', 0x05, 0x00, 0x06, 0x00})
	f.Add([]byte{0x07, 0x00})
	f.Add([]byte{0x00, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, in []byte) {
		a, b := net.Pipe()
		m := newMuxer(a)
		go drainStreams(m.Accept)
		go func() { _, _ = io.Copy(io.Discard, b) }() // our resets
		_, _ = b.Write(in)
		m.Close()
		b.Close()
		<-m.closed
	})
}
