//go:build !js

package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay"
)

// startDemo serves the demo page (web/), the wasm build (dist/) and a
// relay on one loopback port, as cmd/posthorn-demo does, with the torrent
// strategy only, and returns the http:// base URL.
func startDemo(t *testing.T) string {
	t.Helper()
	testutil.RequireNetns(t)
	dist := browsertest.Dist(t)
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".mjs", "text/javascript")
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := relay.New(relay.Config{Logger: log})
	files := http.NewServeMux()
	files.Handle("/", http.FileServer(http.Dir("../../web")))
	files.Handle("/posthorn/", http.StripPrefix("/posthorn/", http.FileServer(http.Dir(dist))))
	files.HandleFunc("/demo-config.json", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"strategies": []string{"torrent"},
			"relayUrls":  map[string][]string{"torrent": {"ws://" + req.Host + relay.TrackerPath}},
		})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			r.ServeHTTP(w, req)
			return
		}
		files.ServeHTTP(w, req)
	}))
	t.Cleanup(func() {
		r.Close()
		srv.Close()
	})
	return srv.URL
}

// TestDemoPage: the commands with default --app in a room with a tab of
// the demo page: chat lines appear on both sides, the page lists the
// terminal peer, and a file picked in the page lands on disk through
// receive. It runs once per browser.
func TestDemoPage(t *testing.T) { browsertest.ForEach(t, testDemoPage) }

func testDemoPage(t *testing.T, k browsertest.Kind) {
	base := startDemo(t)
	b := browsertest.LaunchKind(t, k)
	const room = "room-demo"
	relayURL := "ws" + strings.TrimPrefix(base, "http") + "/"
	args := []string{"--relay", relayURL, "--ice", "none"} // default --app: the demo's

	page := b.NewNamedPage(t, "demo", base+"/?room="+room+"&strategy=torrent")
	page.WaitFor(t, `!document.getElementById('join-btn').disabled`, testTimeout)
	page.Eval(t, `document.getElementById('join-btn').click()`, nil)
	page.WaitFor(t, `document.body.dataset.joined === 'torrent'`, testTimeout)
	pageID := browsertest.EvalAs[string](t, page, `posthornDemo.selfId`)

	chatID := newID()
	chat := start(t, "chat", prefixed("chat", args, "--json", "--id", chatID, "--peers", "1", room)...)
	chat.stdout.waitEvent(t, map[string]any{"event": "join", "peer": pageID})
	page.WaitFor(t, fmt.Sprintf(`!!document.querySelector('#peers li[data-peer=%s]')`, jsLit(chatID)), testTimeout)

	chat.write(t, "hello demo\n")
	page.WaitFor(t, fmt.Sprintf(`[...document.querySelectorAll('#messages li[data-from=%s]')].some(li => li.textContent.endsWith("hello demo"))`, jsLit(chatID)), testTimeout)
	page.Eval(t, `(() => {
		document.getElementById('chat-input').value = 'hello terminal'
		document.querySelector('#chat-form button').click()
	})()`, nil)
	chat.stdout.waitEvent(t, map[string]any{"event": "message", "peer": pageID, "text": "hello terminal"})

	// A file picked in the page goes to every peer; receive saves it.
	dst := t.TempDir()
	recvID := newID()
	recv := start(t, "receive", prefixed("receive", args, "--json", "--id", recvID, "--count", "1", room, dst)...)
	page.WaitFor(t, fmt.Sprintf(`!!document.querySelector('#peers li[data-peer=%s]')`, jsLit(recvID)), testTimeout)
	src := filepath.Join(t.TempDir(), "picked.bin")
	data := make([]byte, 1<<20+3)
	rand.Read(data)
	must(t, os.WriteFile(src, data, 0o644))
	page.SetFiles(t, "#file-input", src)
	if code := recv.wait(t); code != 0 {
		t.Fatalf("receive exited with %d; stderr:\n%s", code, recv.stderr)
	}
	saved, err := os.ReadFile(filepath.Join(dst, "picked.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if string(saved) != string(data) {
		t.Errorf("saved %d bytes that differ from the %d picked", len(saved), len(data))
	}
}
