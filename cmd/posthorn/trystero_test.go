//go:build !js

package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// The interop suite's npm fixture (trystero@0.18.0, esbuild) and page
// harness, bundled here into a page of real Trystero.
const interopJS = "../../interop/js"

// trysteroSite bundles trystero/torrent with the interop harness and
// serves it on loopback.
func trysteroSite(t *testing.T) *browsertest.Server {
	t.Helper()
	testutil.RequireNetns(t)
	platform := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	esbuild, err := filepath.Abs(filepath.Join(interopJS, "node_modules", "@esbuild", runtime.GOOS+"-"+platform, "bin", "esbuild"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(esbuild); err != nil {
		t.Fatalf("esbuild not found (run scripts/deps): %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(esbuild, "trystero/torrent", "--bundle", "--format=esm", "--platform=browser",
		"--log-level=warning", "--outfile="+filepath.Join(dir, "trystero-torrent.js"))
	cmd.Dir = interopJS
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, out)
	}
	harness, err := os.ReadFile(filepath.Join(interopJS, "harness.js"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "harness.js"), harness, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte(`<!doctype html>
<meta charset="utf-8"><title>trystero</title>
<script type="module" src="/harness.js"></script>`), 0o644))
	return browsertest.Serve(t, dir)
}

// jsLit is v as a JavaScript literal.
func jsLit(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestTrystero: the commands and a page of real trystero@0.18.0 in one
// room, without and with a password: chat both ways, a file from send
// reaches the page whole with its name, a file from the page lands on
// disk through receive. The page runs in Chromium without the password and
// in Firefox with it.
func TestTrystero(t *testing.T) {
	testutil.RequireNetns(t)
	site := trysteroSite(t)
	for _, password := range []string{"", "hunter2"} {
		name, kind := "no-password", browsertest.Chromium
		if password != "" {
			name, kind = "password", browsertest.Firefox
		}
		t.Run(name+"-"+string(kind), func(t *testing.T) {
			b := browsertest.LaunchKind(t, kind)
			base := startRelay(t)
			room := "room-trystero-" + name
			args := netArgs(base, "torrent")
			if password != "" {
				args = append(args, "--password", password)
			}
			page := b.NewNamedPage(t, "trystero-"+name, site.URL+"/index.html")
			page.WaitFor(t, "window.H", 0)
			var pageID string
			page.Eval(t, "H.join("+jsLit(map[string]any{
				"lib": "/trystero-torrent.js", "appId": "posthorn-cli-test", "password": password,
				"relayUrls": []string{relayFor(base, "torrent")}, "roomId": room, "actions": []string{"chat", "file"},
			})+")", &pageID)

			// Chat both ways.
			chatID := newID()
			chat := start(t, "chat", prefixed("chat", args, "--json", "--id", chatID, "--peers", "1", room)...)
			chat.stdout.waitEvent(t, map[string]any{"event": "join", "peer": pageID})
			chat.write(t, "hello trystero\n")
			page.WaitFor(t, fmt.Sprintf(`H.received("chat", %s).some(r => r.value === "hello trystero")`, jsLit(chatID)), testTimeout)
			page.Eval(t, `H.send("chat", "hello terminal")`, nil)
			chat.stdout.waitEvent(t, map[string]any{"event": "message", "peer": pageID, "text": "hello terminal"})

			// A file to the page.
			src := t.TempDir()
			data := make([]byte, 3<<20+5)
			rand.Read(data)
			sum := sha256.Sum256(data)
			must(t, os.WriteFile(filepath.Join(src, "to-page.bin"), data, 0o644))
			sendID := newID()
			send := start(t, "send", prefixed("send", args, "--id", sendID, "--peers", "2", room, filepath.Join(src, "to-page.bin"))...)
			if code := send.wait(t); code != 0 {
				t.Fatalf("send exited with %d; stderr:\n%s", code, send.stderr)
			}
			var got []struct {
				Len    int    `json:"len"`
				SHA256 string `json:"sha256"`
				Meta   struct {
					Name string `json:"name"`
					Size int    `json:"size"`
				} `json:"meta"`
			}
			page.WaitFor(t, fmt.Sprintf(`H.received("file", %s).length > 0`, jsLit(sendID)), testTimeout)
			page.Eval(t, fmt.Sprintf(`H.received("file", %s)`, jsLit(sendID)), &got)
			if len(got) != 1 || got[0].Len != len(data) || got[0].SHA256 != hex.EncodeToString(sum[:]) ||
				got[0].Meta.Name != "to-page.bin" || got[0].Meta.Size != len(data) {
				t.Errorf("the page received %+v, want one to-page.bin of %d bytes, sha256 %x", got, len(data), sum)
			}

			// A file from the page.
			dst := t.TempDir()
			recvID := newID()
			recv := start(t, "receive", prefixed("receive", args, "--json", "--id", recvID, "--count", "1", room, dst)...)
			page.WaitFor(t, fmt.Sprintf(`H.joined.includes(%s)`, jsLit(recvID)), testTimeout)
			var sent struct {
				SHA256 string `json:"sha256"`
			}
			page.Eval(t, fmt.Sprintf(`H.sendBinary("file", %d, {name: "from-page.bin", size: %d}, [%s])`, 2<<20, 2<<20, jsLit(recvID)), &sent)
			if code := recv.wait(t); code != 0 {
				t.Fatalf("receive exited with %d; stderr:\n%s", code, recv.stderr)
			}
			saved, err := os.ReadFile(filepath.Join(dst, "from-page.bin"))
			if err != nil {
				t.Fatal(err)
			}
			if s := sha256.Sum256(saved); hex.EncodeToString(s[:]) != sent.SHA256 || len(saved) != 2<<20 {
				t.Errorf("saved %d bytes, sha256 %x; the page sent %d, sha256 %s", len(saved), s, 2<<20, sent.SHA256)
			}
		})
	}
}
