//go:build !js

package waku

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixture is the npm fixture that runs real trystero@0.18.0 in Node.
const fixture = "../../scripts/npm-trystero-node"

// jsPeer is one `node peer.js` process: a Trystero ipfs peer.
type jsPeer struct {
	t     *testing.T
	name  string
	stdin io.WriteCloser
	lines chan string
	done  chan struct{}
	self  string
}

func startJSPeer(t *testing.T, name, addr, room, password string) *jsPeer {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; it runs trystero")
	}
	if _, err := os.Stat(filepath.Join(fixture, "node_modules", "trystero")); err != nil {
		t.Skip("npm fixture not installed: run scripts/deps")
	}
	args := []string{"peer.js", addr, "posthorn-waku-test", room}
	if password != "" {
		args = append(args, password)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = fixture
	cmd.Stderr = &logWriter{t: t, prefix: name + ": "}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &jsPeer{t: t, name: name, stdin: stdin, lines: make(chan string, 64), done: make(chan struct{})}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			t.Logf("%s: %s", name, sc.Text())
			p.lines <- sc.Text()
		}
	}()
	go func() {
		defer close(p.done)
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		p.leave()
		select {
		case <-p.done:
		case <-time.After(wait):
			_ = cmd.Process.Kill()
			<-p.done
		}
		for range p.lines {
		}
	})
	p.self = strings.TrimPrefix(p.expect("SELF "), "SELF ")
	return p
}

// expect returns the next line starting with prefix, skipping others.
func (p *jsPeer) expect(prefix string) string {
	p.t.Helper()
	timeout := time.After(2 * wait)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("%s exited before %q", p.name, prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			p.t.Fatalf("%s: no %q", p.name, prefix)
		}
	}
}

// expectAll waits for every one of lines, in any order, skipping others.
func (p *jsPeer) expectAll(lines ...string) {
	p.t.Helper()
	want := map[string]bool{}
	for _, l := range lines {
		want[l] = true
	}
	timeout := time.After(2 * wait)
	for len(want) > 0 {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("%s exited before %v", p.name, want)
			}
			delete(want, l)
		case <-timeout:
			p.t.Fatalf("%s: no %v", p.name, want)
		}
	}
}

// leave closes the peer's stdin: it leaves the room and exits.
func (p *jsPeer) leave() { _ = p.stdin.Close() }

type logWriter struct {
	t      *testing.T
	prefix string
}

func (w *logWriter) Write(b []byte) (int, error) {
	w.t.Log(w.prefix + strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// Two real trystero@0.18.0 ipfs peers, in Node with a WebRTC polyfill, find
// each other through the node, connect and exchange a message each way; a
// leave is seen by the other. No request is refused or times out.
func TestTrysteroPeersMeet(t *testing.T) {
	for _, password := range []string{"", "s3cret"} {
		name := "plain"
		if password != "" {
			name = "password"
		}
		t.Run(name, func(t *testing.T) {
			// A request timeout far below Trystero's 3333 ms announce
			// interval: @waku/core sends each announcement on a stream it
			// opened at the previous one (§7.5.1), which must still work.
			n := startNode(t, &Options{
				RequestTimeout: 200 * time.Millisecond,
				Logger:         slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			addr := n.Multiaddrs()[0]
			a := startJSPeer(t, "a", addr, "room-"+name, password)
			b := startJSPeer(t, "b", addr, "room-"+name, password)
			a.expect("JOIN " + b.self)
			b.expect("JOIN " + a.self)
			a.expect("RECV " + b.self + " hello from " + b.self)
			b.expect("RECV " + a.self + " hello from " + a.self)
			if n.Subscriptions() != 4 {
				t.Errorf("%d subscriptions, want 4 (root and self topics per peer)", n.Subscriptions())
			}
			if got := n.Totals(); got.Refused != 0 || got.RateLimited != 0 || got.Timeouts != 0 {
				t.Errorf("requests refused: %+v", got)
			}
			a.leave()
			b.expect("LEAVE " + a.self)
		})
	}
}
