package strategytest

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
)

// NodeFixture is a relay written in JavaScript under scripts/: a script
// that takes a port argument (0 = any), prints "PORT <n>" once it listens
// on 127.0.0.1 and exits when its stdin closes.
type NodeFixture struct {
	// Dir is the fixture's directory under the repository's scripts/,
	// e.g. "npm-tracker".
	Dir string
	// Script is the file node runs, e.g. "tracker.js".
	Script string
	// Module is a path under the fixture's node_modules that must exist,
	// e.g. "bittorrent-tracker"; without it the test is skipped.
	Module string
	// URLPath is appended to "ws://127.0.0.1:<port>"; "" means "/".
	URLPath string
}

// Kind returns a RelayKind named name that starts f.
func (f NodeFixture) Kind(name string) RelayKind {
	return RelayKind{Name: name, Start: f.Start}
}

// Start runs the fixture with node and returns it as a restartable Relay
// (a restart runs the script again on the same port). It skips t when node
// or the fixture's node_modules are missing (make test installs them), and
// outside scripts/in-netns.
func (f NodeFixture) Start(t testing.TB) *Relay {
	t.Helper()
	testutil.RequireNetns(t)
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "scripts", f.Dir)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", f.Module)); err != nil {
		t.Skipf("npm fixture not installed: run `npm ci --ignore-scripts` in scripts/%s (make test does)", f.Dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; it runs the npm fixture " + f.Dir)
	}
	p := &nodeProc{t: t, node: node, dir: dir, script: f.Script, port: "0"}
	p.start()
	t.Cleanup(p.stop)
	path := f.URLPath
	if path == "" {
		path = "/"
	}
	return &Relay{URL: "ws://127.0.0.1:" + p.port + path, Stop: p.stop, Start: p.start}
}

// nodeProc is one run of a fixture script; start again reuses the port.
type nodeProc struct {
	t                 testing.TB
	node, dir, script string
	port              string
	mu                sync.Mutex
	stdin             io.Closer
	cmd               *exec.Cmd
	exited            chan struct{}
}

func (p *nodeProc) start() {
	p.t.Helper()
	cmd := exec.Command(p.node, p.script, p.port)
	cmd.Dir = p.dir
	stderr, err := os.CreateTemp(p.t.TempDir(), "stderr")
	if err != nil {
		p.t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	exited := make(chan struct{})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "PORT "); ok {
				select {
				case port <- n:
				default:
				}
			}
		}
		cmd.Wait()
		close(exited)
	}()
	p.mu.Lock()
	p.cmd, p.stdin, p.exited = cmd, stdin, exited
	p.mu.Unlock()
	select {
	case n := <-port:
		p.port = n
	case <-exited:
		p.t.Fatalf("%s/%s exited at start-up (port %s): %s", p.dir, p.script, p.port, readAll(stderr.Name()))
	case <-time.After(WaitTimeout):
		p.stop()
		p.t.Fatalf("%s/%s did not start: %s", p.dir, p.script, readAll(stderr.Name()))
	}
}

// stop kills the process it started (by its own handle: a relay that
// vanishes, connections dropped at once) and closes its stdin, on which the
// script would exit anyway.
func (p *nodeProc) stop() {
	p.mu.Lock()
	cmd, stdin, exited := p.cmd, p.stdin, p.exited
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	stdin.Close()
	<-exited
}

func readAll(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

// repoRoot is the module's root: two levels above this file.
func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("strategytest: cannot locate the module root")
	}
	return filepath.Join(filepath.Dir(file), "..", ".."), nil
}
