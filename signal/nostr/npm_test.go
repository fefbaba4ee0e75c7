package nostr

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

// startNPMRelay runs @nostr-relay/core behind ws (on 127.0.0.1) from
// scripts/npm-nostr-relay and returns its URL. It skips when node or the
// fixture's node_modules are missing.
func startNPMRelay(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "scripts", "npm-nostr-relay")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@nostr-relay", "core")); err != nil {
		t.Skip("npm nostr relay fixture not installed: run `npm ci --ignore-scripts` in scripts/npm-nostr-relay")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; it runs the third-party relay")
	}
	cmd := exec.Command(node, "relay.js", "0")
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
		t.Fatal("npm nostr relay did not start")
	}
	return ""
}

func TestRoomThroughNPMRelay(t *testing.T) {
	testutil.RequireNetns(t)
	urls := []string{startNPMRelay(t)}
	a := joinMember(t, urls, "npm-room", "")
	b := joinMember(t, urls, "npm-room", "")
	c := joinMember(t, urls, "npm-room", "")
	roomScenario(t, a, b, c)
}

// @nostr-relay/core 0.0.40 ignores #x filters on live events, so every
// member receives every room's announcements and signals. They must be
// dropped by the x-tag check, and rooms must stay apart.
func TestUnfilteringRelayKeepsRoomsApart(t *testing.T) {
	testutil.RequireNetns(t)
	urls := []string{startNPMRelay(t)}
	a := joinMember(t, urls, "room-x", "")
	b := joinMember(t, urls, "room-x", "")
	c := joinMember(t, urls, "room-y", "")
	d := joinMember(t, urls, "room-y", "")
	a.waitPeers(b)
	b.waitPeers(a)
	c.waitPeers(d)
	d.waitPeers(c)
	a.waitUntil("a dropped room-y traffic", func(map[string]bool) bool {
		return a.log.has("dropping event for another topic")
	})
	for _, m := range []*member{a, b} {
		if m.r.HasPeer(c.id) || m.r.HasPeer(d.id) {
			t.Fatalf("%s joined a peer of another room", m.id)
		}
	}
	for _, m := range []*member{c, d} {
		if m.r.HasPeer(a.id) || m.r.HasPeer(b.id) {
			t.Fatalf("%s joined a peer of another room", m.id)
		}
	}
}
