//go:build !js

package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/torrent"
)

// TestSafeName: a peer's file name cannot leave the folder or hide.
func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"notes.txt":           "notes.txt",
		"../../etc/passwd":    "passwd",
		`..\..\win.ini`:       "win.ini",
		"/abs/path/x.bin":     "x.bin",
		"..":                  "file",
		".":                   "file",
		"":                    "file",
		".bashrc":             "bashrc",
		"dir/":                "file",
		"a\x00b\nc":           "a_b_c",
		"ünïcödé name.tar.gz": "ünïcödé name.tar.gz",
	} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSaveNeverOverwrites: a second file of the same name gets another
// name; the first is untouched.
func TestSaveNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "a.txt"), []byte("first"), 0o644))
	path, err := save(dir, []byte("second"), fileMeta{Name: "a.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "a-1.txt") {
		t.Errorf("saved as %s, want a-1.txt", path)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.txt")); string(b) != "first" {
		t.Errorf("a.txt now holds %q", b)
	}
	if b, _ := os.ReadFile(path); string(b) != "second" {
		t.Errorf("%s holds %q", path, b)
	}
}

// TestBadChecksum: a file whose content does not match its metadata's
// sha256 (or size) is rejected and nothing is written; a good one after
// it is saved. The sender is a program on the Go API.
func TestBadChecksum(t *testing.T) {
	base := startRelay(t)
	dst := t.TempDir()
	recv := start(t, "receive", cmdArgs(base, "torrent", "receive", "--json", "--count", "1", "room-sum", dst)...)

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s := torrent.New(&posthorn.Options{SelfID: newID()})
	defer s.Close()
	joined := make(chan string, 1)
	room, err := s.JoinRoom(ctx, posthorn.Config{
		AppID: "posthorn-cli-test", RelayURLs: []string{relayFor(base, "torrent")}, RTCConfig: &webrtc.Configuration{},
	}, "room-sum")
	if err != nil {
		t.Fatal(err)
	}
	room.OnPeerJoin(func(id string) { joined <- id })
	act, err := room.MakeAction(fileAction)
	if err != nil {
		t.Fatal(err)
	}
	var peer string
	select {
	case peer = <-joined:
	case <-ctx.Done():
		t.Fatal("the receiver never joined")
	}
	size := int64(5)
	to := &posthorn.SendOptions{Targets: []string{peer}}
	for _, m := range []fileMeta{
		{Name: "evil.txt", Size: &size, SHA256: "00" + "11223344556677889900112233445566778899001122334455667788990011"},
		{Name: "short.txt", Size: new(int64(4))},
	} {
		to.Meta = m
		if err := act.Send(ctx, []byte("hello"), to); err != nil {
			t.Fatal(err)
		}
		recv.stdout.waitEvent(t, map[string]any{"event": "rejected", "name": m.Name})
	}
	to.Meta = fileMeta{Name: "good.txt", Size: &size, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}
	if err := act.Send(ctx, []byte("hello"), to); err != nil {
		t.Fatal(err)
	}
	recv.stdout.waitEvent(t, map[string]any{"event": "received", "name": "good.txt"})
	s.Close() // receive --count stays until its peers have left
	if code := recv.wait(t); code != 0 {
		t.Fatalf("receive exited with %d", code)
	}
	entries, _ := os.ReadDir(dst)
	if len(entries) != 1 || entries[0].Name() != "good.txt" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("receive folder holds %v, want only good.txt", names)
	}
}

// TestPrintable: chat text from a peer cannot carry terminal escapes.
func TestPrintable(t *testing.T) {
	if got := printable("hi\x1b[2J\tthere\x9b\x07é"); got != "hi\uFFFD[2J\tthere\uFFFD\uFFFDé" {
		t.Errorf("printable = %q", got)
	}
}
