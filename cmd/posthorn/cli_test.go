//go:build !js

package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/strategytest"
)

// TestChat: two chat commands in a room, on every strategy, through the
// project's relay: each prints the other's lines, and when one leaves
// (Ctrl-C) the other reports the leave.
func TestChat(t *testing.T) {
	for _, strategy := range []string{"torrent", "nostr", "mqtt"} {
		t.Run(strategy, func(t *testing.T) {
			base := startRelay(t)
			idA, idB := newID(), newID()
			a := start(t, "a", cmdArgs(base, strategy, "chat", "--id", idA, "--peers", "1", "room-chat")...)
			b := start(t, "b", cmdArgs(base, strategy, "chat", "--id", idB, "--json", "--peers", "1", "room-chat")...)
			b.stdout.waitEvent(t, map[string]any{"event": "join", "peer": idA})

			a.write(t, "hello from a\n")
			b.stdout.waitEvent(t, map[string]any{"event": "message", "peer": idA, "text": "hello from a"})
			b.write(t, "  hello from b  \n\n")
			a.stdout.waitText(t, short(idB)+": hello from b")

			a.cancel() // Ctrl-C
			if code := a.wait(t); code != 130 {
				t.Errorf("a exited with %d after Ctrl-C, want 130", code)
			}
			b.stdout.waitEvent(t, map[string]any{"event": "leave", "peer": idA})
			if strings.Contains(a.stdout.String(), short(idB)+": \n") {
				t.Errorf("a printed an empty line from b:\n%s", a.stdout)
			}
		})
	}
}

// TestChatEndOfInput: chat with piped input waits for a peer, sends every
// line, and exits 0 at the end of input only once the peer has them all.
func TestChatEndOfInput(t *testing.T) {
	base := startRelay(t)
	idA := newID()
	b := start(t, "b", cmdArgs(base, "torrent", "chat", "--json", "room-eof")...)
	a := start(t, "a", cmdArgs(base, "torrent", "chat", "--id", idA, "--peers", "1", "room-eof")...)
	var lines []string
	for i := range 50 {
		lines = append(lines, fmt.Sprintf("line %d:%s", i, strings.Repeat("x", i)))
	}
	a.write(t, strings.Join(lines, "\n")+"\n")
	a.stdin.Close()
	if code := a.wait(t); code != 0 {
		t.Fatalf("a exited with %d at the end of its input, want 0; stderr:\n%s", code, a.stderr)
	}
	// Everything arrived before a left: the leave comes after the lines.
	b.stdout.waitEvent(t, map[string]any{"event": "leave", "peer": idA})
	var got []string
	for _, l := range strings.Split(b.stdout.String(), "\n") {
		if strings.Contains(l, `"event":"message"`) {
			got = append(got, l)
		}
	}
	if len(got) != len(lines) {
		t.Fatalf("b got %d lines before a left, want %d:\n%s", len(got), len(lines), b.stdout)
	}
	for i, l := range got {
		if !strings.Contains(l, `"text":"`+lines[i]+`"`) {
			t.Fatalf("line %d is %s, want text %q", i, l, lines[i])
		}
	}
}

// TestSendReceive: a 32 MiB file and a small one go from send to receive
// with their names; the receiver saves them with the right content, says
// the checksum matched, and leaves no temporary file behind.
func TestSendReceive(t *testing.T) {
	for _, password := range []string{"", "s3cret"} {
		name := "no-password"
		if password != "" {
			name = "password"
		}
		t.Run(name, func(t *testing.T) {
			base := startRelay(t)
			src, dst := t.TempDir(), t.TempDir()
			big := make([]byte, 32<<20)
			rand.Read(big)
			small := []byte("a small file\n")
			must(t, os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644))
			must(t, os.WriteFile(filepath.Join(src, "notes.txt"), small, 0o644))

			args := netArgs(base, "torrent")
			if password != "" {
				args = append(args, "--password", password)
			}
			recv := start(t, "receive", prefixed("receive", args, "--json", "--count", "2", "room-files", dst)...)
			send := start(t, "send", prefixed("send", args, "--json", "room-files",
				filepath.Join(src, "big.bin"), filepath.Join(src, "notes.txt"))...)
			if code := send.wait(t); code != 0 {
				t.Fatalf("send exited with %d; stderr:\n%s", code, send.stderr)
			}
			if code := recv.wait(t); code != 0 {
				t.Fatalf("receive exited with %d; stderr:\n%s", code, recv.stderr)
			}
			for _, f := range []struct {
				name string
				data []byte
			}{{"big.bin", big}, {"notes.txt", small}} {
				sum := sha256.Sum256(f.data)
				hexSum := hex.EncodeToString(sum[:])
				send.stdout.waitEvent(t, map[string]any{"event": "sent", "name": f.name, "sha256": hexSum})
				ev := recv.stdout.waitEvent(t, map[string]any{"event": "received", "name": f.name})
				if ev["sha256"] != hexSum || ev["path"] != filepath.Join(dst, f.name) {
					t.Errorf("receive event %v, want sha256 %s and path %s", ev, hexSum, filepath.Join(dst, f.name))
				}
				got, err := os.ReadFile(filepath.Join(dst, f.name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, f.data) {
					t.Errorf("%s: saved %d bytes that differ from the %d sent", f.name, len(got), len(f.data))
				}
			}
			entries, _ := os.ReadDir(dst)
			if len(entries) != 2 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("receive directory holds %v, want just the two files", names)
			}
		})
	}
}

// TestWrongPassword: a sender with another password never reaches the
// receiver (it waits for a peer until Ctrl-C), while a sender with the
// right one does, in the same room.
func TestWrongPassword(t *testing.T) {
	base := startRelay(t)
	src, dst := t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "f.txt"), []byte("secret stuff"), 0o644))
	args := netArgs(base, "torrent")
	recv := start(t, "receive", prefixed("receive", args, "--password", "right", "--json", "--count", "1", "room-pw", dst)...)
	wrong := start(t, "wrong", prefixed("send", args, "--password", "wrong", "--json", "room-pw", filepath.Join(src, "f.txt"))...)
	right := start(t, "right", prefixed("send", args, "--password", "right", "--json", "room-pw", filepath.Join(src, "f.txt"))...)
	if code := right.wait(t); code != 0 {
		t.Fatalf("sender with the right password exited with %d; stderr:\n%s", code, right.stderr)
	}
	if code := recv.wait(t); code != 0 {
		t.Fatalf("receive exited with %d", code)
	}
	// By now the wrong sender has seen the same relay announcements for
	// as long as the right one; it must still be waiting for a peer.
	select {
	case code := <-wrong.done:
		wrong.done <- code
		t.Fatalf("sender with the wrong password ended (%d); stdout:\n%s", code, wrong.stdout)
	default:
	}
	if strings.Contains(wrong.stdout.String(), `"sent"`) {
		t.Fatalf("sender with the wrong password sent:\n%s", wrong.stdout)
	}
}

// TestPipe: lines piped into one command come out of the other's stdout,
// in order; with --raw, bytes come out exactly. The receiving side
// (--stay) ends when the sender has left.
func TestPipe(t *testing.T) {
	t.Run("lines", func(t *testing.T) {
		base := startRelay(t)
		recv := start(t, "recv", cmdArgs(base, "torrent", "pipe", "--stay", "room-pipe", "lines")...)
		send := start(t, "send", cmdArgs(base, "torrent", "pipe", "room-pipe", "lines")...)
		var want strings.Builder
		for i := range 200 {
			want.WriteString(strings.Repeat("ab", i) + " line\n")
		}
		send.write(t, want.String())
		send.stdin.Close()
		recv.stdin.Close() // nothing to send: stays for the sender's data
		if code := send.wait(t); code != 0 {
			t.Fatalf("send side exited with %d; stderr:\n%s", code, send.stderr)
		}
		if code := recv.wait(t); code != 0 {
			t.Fatalf("receive side exited with %d; stderr:\n%s", code, recv.stderr)
		}
		if got := recv.stdout.String(); got != want.String() {
			t.Fatalf("received %d bytes, not the %d lines sent:\n%.500s", len(got), 200, got)
		}
	})
	t.Run("raw", func(t *testing.T) {
		base := startRelay(t)
		recv := start(t, "recv", cmdArgs(base, "torrent", "pipe", "--raw", "--stay", "room-raw", "bytes")...)
		send := start(t, "send", cmdArgs(base, "torrent", "pipe", "--raw", "room-raw", "bytes")...)
		data := make([]byte, 3<<20+17)
		rand.Read(data)
		go func() {
			send.stdin.Write(data)
			send.stdin.Close()
		}()
		recv.stdin.Close()
		if code := send.wait(t); code != 0 {
			t.Fatalf("send side exited with %d; stderr:\n%s", code, send.stderr)
		}
		if code := recv.wait(t); code != 0 {
			t.Fatalf("receive side exited with %d; stderr:\n%s", code, recv.stderr)
		}
		if got := recv.stdout.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("received %d bytes that differ from the %d sent", len(got), len(data))
		}
	})
}

// TestPeers: peers lists the two others in the room with a ping time.
func TestPeers(t *testing.T) {
	base := startRelay(t)
	idA, idB := newID(), newID()
	start(t, "a", cmdArgs(base, "torrent", "chat", "--id", idA, "room-peers")...)
	start(t, "b", cmdArgs(base, "torrent", "receive", "--id", idB, "room-peers", t.TempDir())...)
	p := start(t, "peers", cmdArgs(base, "torrent", "peers", "--json", "--peers", "2", "--wait", "90s", "room-peers")...)
	if code := p.wait(t); code != 0 {
		t.Fatalf("peers exited with %d; stderr:\n%s", code, p.stderr)
	}
	for _, id := range []string{idA, idB} {
		ev := p.stdout.waitEvent(t, map[string]any{"event": "peer", "peer": id})
		if ms, ok := ev["ping_ms"].(float64); !ok || ms <= 0 {
			t.Errorf("peer %s listed without a ping time: %v", id, ev)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestChatFirebase: two chat commands meet through a Firebase database
// (npm firebase-server) given with --relay, and talk.
func TestChatFirebase(t *testing.T) {
	db := strategytest.NodeFixture{Dir: "npm-firebase-server", Script: "server.js", Module: "firebase-server"}.Start(t)
	args := []string{"--strategy", "firebase", "--relay", db.URL, "--ice", "none", "--app", "posthorn-cli-test"}
	idA, idB := newID(), newID()
	a := start(t, "a", prefixed("chat", args, "--id", idA, "--peers", "1", "room-chat")...)
	b := start(t, "b", prefixed("chat", args, "--id", idB, "--json", "--peers", "1", "room-chat")...)
	b.stdout.waitEvent(t, map[string]any{"event": "join", "peer": idA})
	a.write(t, "hello over firebase\n")
	b.stdout.waitEvent(t, map[string]any{"event": "message", "peer": idA, "text": "hello over firebase"})
}
