//go:build !js

package main

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

// buildBinary builds the posthorn command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	testutil.RequireNetns(t)
	bin := filepath.Join(t.TempDir(), "posthorn")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is the posthorn binary running as its own process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuf
	ended          chan struct{}
}

func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	ended := make(chan struct{})
	p := &proc{cmd: exec.Command(bin, args...), stdout: newSyncBuf(ended), stderr: newSyncBuf(ended), ended: ended}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	stdin, err := p.cmd.StdinPipe() // open until the test ends: chat reads it
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		close(ended)
	}()
	t.Cleanup(func() {
		stdin.Close()
		p.cmd.Process.Kill()
		<-ended
		if t.Failed() {
			t.Logf("%s stdout:\n%s\nstderr:\n%s", args[0], p.stdout, p.stderr)
		}
	})
	return p
}

// TestInterruptLeaves: Ctrl-C (SIGINT) makes a posthorn process leave
// the room, so the peer still there reports the leave, and exit 130.
func TestInterruptLeaves(t *testing.T) {
	bin := buildBinary(t)
	base := startRelay(t)
	id := newID()
	watcher := start(t, "watcher", cmdArgs(base, "torrent", "chat", "--json", "room-int")...)
	p := startProc(t, bin, cmdArgs(base, "torrent", "chat", "--id", id, "room-int")...)
	watcher.stdout.waitEvent(t, map[string]any{"event": "join", "peer": id})
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	watcher.stdout.waitEvent(t, map[string]any{"event": "leave", "peer": id})
	<-p.ended
	if code := p.cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit status %d after SIGINT, want 130", code)
	}
}

// TestKilledSender: a sender killed in the middle of a file leaves
// nothing in the receiver's folder: no file with the final name, and no
// temporary file either; the receiver reports the transfer interrupted.
func TestKilledSender(t *testing.T) {
	bin := buildBinary(t)
	base := startRelay(t)
	src, dst := t.TempDir(), t.TempDir()
	data := make([]byte, 200<<20)
	rand.Read(data)
	must(t, os.WriteFile(filepath.Join(src, "huge.bin"), data, 0o644))
	data = nil
	id := newID()
	recv := start(t, "receive", cmdArgs(base, "torrent", "receive", "--json", "room-kill", dst)...)
	send := startProc(t, bin, cmdArgs(base, "torrent", "send", "--id", id, "room-kill", filepath.Join(src, "huge.bin"))...)
	recv.stdout.waitEvent(t, map[string]any{"event": "receiving", "peer": id, "name": "huge.bin"})
	send.cmd.Process.Kill()
	<-send.ended
	recv.stdout.waitEvent(t, map[string]any{"event": "interrupted", "peer": id, "name": "huge.bin"})
	if out := recv.stdout.String(); containsEvent(out, "received") {
		t.Fatalf("receiver reports a file received:\n%s", out)
	}
	entries, err := os.ReadDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("receive folder holds %s after the sender was killed", e.Name())
	}
}

func containsEvent(out, event string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, `"event":"`+event+`"`) {
			return true
		}
	}
	return false
}
