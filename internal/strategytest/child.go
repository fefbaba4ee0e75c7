package strategytest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
)

// A child is a member in another process: the test binary run again with
// childEnv set, which makes Run play the member described there instead of
// the suite. The parent can kill it like any process (SIGKILL: no goodbye,
// its sockets just vanish).

// childEnv carries a childSpec to the child process.
const childEnv = "POSTHORN_STRATEGYTEST_CHILD"

// childLine prefixes what the child reports on its stdout.
const childLine = "strategytest-child: "

// childSpec is what the child does: join Room through URLs, wait for Peer,
// send it Size bytes on "file", and stop reading its data (block its first
// "file" progress callback) so that the parent's transfer to it stalls.
type childSpec struct {
	Room string
	URLs []string
	Peer string
	Size int
}

// Child is a member running in its own process.
type Child struct {
	ID  string
	cmd *exec.Cmd

	mu     sync.Mutex
	lines  []string
	wake   chan struct{}
	stderr bytes.Buffer
	exited chan struct{}
}

// startChild runs the test binary again as a child member following spec;
// it returns once the child joined the room. The child is killed when the
// test ends.
func startChild(t *testing.T, spec childSpec) *Child {
	t.Helper()
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	top, _, _ := strings.Cut(t.Name(), "/")
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(top)+"$", "-test.count=1",
		"-test.timeout="+(2*WaitTimeout).String())
	cmd.Env = append(os.Environ(), childEnv+"="+string(b))
	c := &Child{cmd: cmd, wake: make(chan struct{}), exited: make(chan struct{})}
	cmd.Stderr = &lockedWriter{mu: &c.mu, w: &c.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), childLine); ok {
				c.mu.Lock()
				c.lines = append(c.lines, l)
				close(c.wake)
				c.wake = make(chan struct{})
				c.mu.Unlock()
			}
		}
		_ = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.Kill()
		if t.Failed() {
			c.mu.Lock()
			t.Logf("child %s stderr:\n%s", c.ID, c.stderr.String())
			c.mu.Unlock()
		}
	})
	c.ID = strings.TrimPrefix(c.WaitLine(t, "joined "), "joined ")
	return c
}

// WaitLine waits until the child reported a line starting with prefix and
// returns it.
func (c *Child) WaitLine(t testing.TB, prefix string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), WaitTimeout)
	defer cancel()
	for {
		c.mu.Lock()
		for _, l := range c.lines {
			if strings.HasPrefix(l, prefix) {
				c.mu.Unlock()
				return l
			}
		}
		wake := c.wake
		c.mu.Unlock()
		select {
		case <-wake:
		case <-c.exited:
			c.mu.Lock()
			defer c.mu.Unlock()
			t.Fatalf("child exited before reporting %q: %s", prefix, c.stderr.String())
		case <-ctx.Done():
			t.Fatalf("child did not report %q", prefix)
		}
	}
}

// Kill kills the child process (SIGKILL) and waits until it is gone.
func (c *Child) Kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// childSpecFromEnv returns the spec this process runs as a child, if any.
func childSpecFromEnv() (childSpec, bool) {
	v := os.Getenv(childEnv)
	if v == "" {
		return childSpec{}, false
	}
	var s childSpec
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		panic(fmt.Sprintf("strategytest: bad %s: %v", childEnv, err))
	}
	return s, true
}

// runChild is the child's side: it joins, reports its id, sends the file
// to its parent and stops reading the parent's file at its first chunk. It
// waits to be killed; WaitTimeout later it fails.
func runChild(t *testing.T, h Harness, spec childSpec) {
	say := func(f string, args ...any) { fmt.Printf(childLine+f+"\n", args...) }
	m := Join(t, h, spec.Room, posthorn.Config{RelayURLs: spec.URLs})
	stall := make(chan struct{})
	var once sync.Once
	m.Action("file").OnProgress(func(float64, string, json.RawMessage) {
		once.Do(func() { say("receiving") })
		<-stall // never closed: the parent kills this process
	})
	say("joined %s", m.ID)
	m.WaitUntil(t, "the parent is here", func(p map[string]bool, _, _ []string) bool { return p[spec.Peer] })
	go func() {
		err := m.Action("file").Send(context.Background(), make([]byte, spec.Size), &posthorn.SendOptions{
			Targets: []string{spec.Peer}, Meta: map[string]any{"from": "child"},
		})
		say("send returned %v", err)
	}()
	say("sending")
	time.Sleep(WaitTimeout)
	t.Fatal("strategytest child: not killed")
}
