//go:build !js

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay"
)

// testTimeout bounds waiting for peers and data; generous, as two cores
// are shared with other work.
const testTimeout = 2 * time.Minute

// startRelay serves the project's relay (tracker, nostr, mqtt) on a
// loopback port and returns its ws:// base URL.
func startRelay(t *testing.T) string {
	t.Helper()
	testutil.RequireNetns(t)
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := relay.New(relay.Config{Logger: log})
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		r.Close()
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// relayFor is the relay URL for strategy on the relay at base.
func relayFor(base, strategy string) string {
	switch strategy {
	case "nostr":
		return base + "/nostr"
	case "mqtt":
		return base + "/mqtt"
	}
	return base + "/"
}

// netArgs are the flags that keep a command on the test relay and off
// any STUN server.
func netArgs(base, strategy string) []string {
	args := []string{"--strategy", strategy, "--relay", relayFor(base, strategy), "--ice", "none", "--app", "posthorn-cli-test"}
	if os.Getenv("POSTHORN_CLI_VERBOSE") != "" { // the room's diagnostics in failure logs
		args = append(args, "-v")
	}
	return args
}

// syncBuf is a concurrency-safe buffer whose readers can wait for text.
type syncBuf struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
	ended   chan struct{} // closed when the writing command has ended
}

func newSyncBuf(ended chan struct{}) *syncBuf {
	return &syncBuf{changed: make(chan struct{}), ended: ended}
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuf) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// waitFor waits until the buffer holds a line for which match is true,
// and returns that line.
func (s *syncBuf) waitFor(t *testing.T, what string, match func(line string) bool) string {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		s.mu.Lock()
		text, ch := s.b.String(), s.changed
		s.mu.Unlock()
		for _, l := range strings.Split(text, "\n") {
			if match(l) {
				return l
			}
		}
		select {
		case <-ch:
		case <-s.ended:
			if s.String() == text {
				t.Fatalf("no %s before the command ended; output:\n%s", what, text)
			}
		case <-deadline:
			t.Fatalf("no %s in time; output so far:\n%s", what, text)
		}
	}
}

// waitText waits for a line containing sub.
func (s *syncBuf) waitText(t *testing.T, sub string) string {
	t.Helper()
	return s.waitFor(t, "line with "+sub, func(l string) bool { return strings.Contains(l, sub) })
}

// waitEvent waits for a JSON line whose fields include every field of
// want, and returns it decoded.
func (s *syncBuf) waitEvent(t *testing.T, want map[string]any) map[string]any {
	t.Helper()
	var got map[string]any
	b, _ := json.Marshal(want)
	s.waitFor(t, "event "+string(b), func(l string) bool {
		var ev map[string]any
		if json.Unmarshal([]byte(l), &ev) != nil {
			return false
		}
		for k, v := range want {
			if ev[k] != v {
				return false
			}
		}
		got = ev
		return true
	})
	return got
}

// cli is one posthorn command run in-process through run.
type cli struct {
	name   string
	stdin  *io.PipeWriter
	stdout *syncBuf
	stderr *syncBuf
	cancel context.CancelFunc // Ctrl-C
	done   chan int
}

// start runs posthorn with args; its stdin is a pipe the test writes.
func start(t *testing.T, name string, args ...string) *cli {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	ended := make(chan struct{})
	c := &cli{name: name, stdin: pw, stdout: newSyncBuf(ended), stderr: newSyncBuf(ended), cancel: cancel, done: make(chan int, 1)}
	go func() {
		code := run(ctx, args, pr, c.stdout, c.stderr)
		pr.Close()
		c.done <- code
		close(ended)
	}()
	t.Cleanup(func() {
		cancel()
		pw.Close()
		select {
		case <-c.done:
		case <-time.After(testTimeout):
			t.Errorf("%s did not end after Ctrl-C", name)
		}
		if t.Failed() {
			t.Logf("%s stdout:\n%s\n%s stderr:\n%s", name, c.stdout, name, c.stderr)
		}
	})
	return c
}

// write writes text to the command's stdin.
func (c *cli) write(t *testing.T, text string) {
	t.Helper()
	if _, err := io.WriteString(c.stdin, text); err != nil {
		t.Fatalf("%s stdin: %v", c.name, err)
	}
}

// wait waits for the command to end and returns its exit status.
func (c *cli) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-c.done:
		c.done <- code // for Cleanup
		return code
	case <-time.After(testTimeout):
		t.Fatalf("%s did not end; stdout:\n%s\nstderr:\n%s", c.name, c.stdout, c.stderr)
		return -1
	}
}

// cmdArgs is cmd's command line on the test relay.
func cmdArgs(base, strategy, cmd string, rest ...string) []string {
	return prefixed(cmd, netArgs(base, strategy), rest...)
}

// prefixed is cmd, then args, then rest, in a new slice.
func prefixed(cmd string, args []string, rest ...string) []string {
	return append(append([]string{cmd}, args...), rest...)
}

// newID returns a fresh peer id for a command under test, to pass as --id.
func newID() string { return ids.New(ids.SelfIDLen) }
