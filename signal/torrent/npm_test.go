package torrent

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
)

// startNPMTracker runs the reference bittorrent-tracker server (ws only, on
// 127.0.0.1) from scripts/npm-tracker and returns its URL. It skips when node
// or the fixture's node_modules are missing.
func startNPMTracker(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "scripts", "npm-tracker")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "bittorrent-tracker")); err != nil {
		t.Skip("npm tracker fixture not installed: run `npm ci --ignore-scripts` in scripts/npm-tracker (make test does)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; it runs the reference tracker")
	}
	cmd := exec.Command(node, "tracker.js", "0")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
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
	t.Cleanup(func() {
		stdin.Close() // the script exits when stdin ends
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "PORT "); ok {
				port <- p
			}
		}
	}()
	select {
	case p := <-port:
		return "ws://127.0.0.1:" + p + "/"
	case <-time.After(waitTimeout):
		t.Fatal("npm tracker did not start")
	}
	return ""
}

func TestRoomThroughNPMTracker(t *testing.T) {
	testutil.RequireNetns(t)
	urls := []string{startNPMTracker(t)}
	a := joinMember(t, urls, "posthorn-test", "npm-room", "")
	b := joinMember(t, urls, "posthorn-test", "npm-room", "")
	c := joinMember(t, urls, "posthorn-test", "npm-room", "")
	roomScenario(t, a, b, c, false)
}

func TestPasswordThroughNPMTracker(t *testing.T) {
	testutil.RequireNetns(t)
	urls := []string{startNPMTracker(t)}
	a := joinMember(t, urls, "posthorn-test", "npm-secret", "hunter2")
	b := joinMember(t, urls, "posthorn-test", "npm-secret", "hunter2")
	a.waitPeers(b)
	b.waitPeers(a)
	c := joinMember(t, urls, "posthorn-test", "npm-secret", "other")
	for _, m := range []*member{a, b} {
		m.waitLog("cannot use offer (different password?)", "peer="+c.id)
		if m.r.HasPeer(c.id) {
			t.Fatalf("%s connected to c despite the wrong password", m.id)
		}
	}
}
