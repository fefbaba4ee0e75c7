//go:build !js

package browser

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestNpmPackage packs the built package with `npm pack`, installs the
// tarball's contents as node_modules/posthorn of a scratch project and
// imports it by name under Node, through the exports map.
func TestNpmPackage(t *testing.T) {
	dist := buildDist(t, browsertest.Chromium)
	for _, tool := range []string{"npm", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	packDir := t.TempDir()
	cmd := exec.Command("npm", "pack", "--pack-destination", packDir)
	cmd.Dir = dist
	cmd.Env = append(os.Environ(), "npm_config_cache="+t.TempDir(), "npm_config_offline=true", "npm_config_update_notifier=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("npm pack: %v\n%s", err, out)
	}
	tgz, _ := filepath.Glob(filepath.Join(packDir, "posthorn-*.tgz"))
	if len(tgz) != 1 {
		t.Fatalf("npm pack made %v\n%s", tgz, out)
	}
	proj := t.TempDir()
	files := untar(t, tgz[0], filepath.Join(proj, "node_modules", "posthorn"))
	for _, want := range []string{"package.json", "README.md", "index.d.ts", "index.mjs", "loader.mjs",
		"posthorn-torrent.mjs", "posthorn-torrent.wasm", "posthorn-nostr.wasm", "posthorn-mqtt.wasm", "wasm_exec.js", "nostr.mjs", "mqtt.mjs", "torrent.mjs",
		"posthorn-firebase.mjs", "posthorn-firebase.wasm", "firebase.mjs",
		"posthorn-ipfs.mjs", "posthorn-ipfs.wasm", "ipfs.mjs", "v025/index.d.ts",
		"v025/mqtt.mjs", "v025/nostr.mjs", "v025/torrent.mjs", "v025/mqtt.d.ts", "v025/nostr.d.ts", "v025/torrent.d.ts"} {
		if !slices.Contains(files, want) {
			t.Errorf("package lacks %s; has %v", want, files)
		}
	}

	script := `
import {joinRoom, selfId, getRelaySockets} from 'posthorn'
import * as torrent from 'posthorn/torrent'
import * as nostr from 'posthorn/nostr'
import * as mqtt from 'posthorn/mqtt'
import * as firebase from 'posthorn/firebase'
import * as ipfs from 'posthorn/ipfs'
import * as mqtt025 from 'posthorn/v025/mqtt'
import * as nostr025 from 'posthorn/v025/nostr'
import * as torrent025 from 'posthorn/v025/torrent'
let thrown = ''
try { joinRoom({}, 'x') } catch (e) { thrown = e.message }
console.log(JSON.stringify({
  selfId, same: torrent.selfId === selfId && torrent.joinRoom === joinRoom,
  // one selfId per realm, as in Trystero, though each strategy is its own wasm
  shared: nostr.selfId === selfId && mqtt.selfId === selfId && nostr.joinRoom !== joinRoom &&
    firebase.selfId === selfId && typeof firebase.getOccupants === 'function' &&
    ipfs.selfId === selfId && ipfs.joinRoom !== joinRoom,
  joinRoom: typeof joinRoom, sockets: getRelaySockets(), thrown,
  // Trystero 0.25's API from the same posthorn-<strategy>.wasm
  v025: [[mqtt025, mqtt], [nostr025, nostr], [torrent025, torrent]].every(([m25, m18]) =>
    m25.selfId === selfId && typeof m25.joinRoom === 'function' && m25.joinRoom !== m18.joinRoom &&
    m25.defaultRelayUrls.length > 0) &&
    mqtt025.defaultRelayUrls[0] !== nostr025.defaultRelayUrls[0] && nostr025.defaultRelayUrls[0] !== torrent025.defaultRelayUrls[0],
  pause: [nostr025, torrent025].every(m => typeof m.pauseRelayReconnection === 'function' &&
    typeof m.resumeRelayReconnection === 'function') && !('pauseRelayReconnection' in mqtt025),
}))
process.exit(0) // the Go runtime keeps the event loop alive
`
	node := exec.Command("node", "--input-type=module", "-e", script)
	node.Dir = proj
	out, err = node.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	last := strings.TrimSpace(string(out))
	if i := strings.LastIndex(last, "\n"); i >= 0 {
		last = last[i+1:]
	}
	var got struct {
		SelfID   string         `json:"selfId"`
		Same     bool           `json:"same"`
		Shared   bool           `json:"shared"`
		JoinRoom string         `json:"joinRoom"`
		Sockets  map[string]any `json:"sockets"`
		Thrown   string         `json:"thrown"`
		V025     bool           `json:"v025"`
		Pause    bool           `json:"pause"`
	}
	if err := jsonUnmarshal(last, &got); err != nil {
		t.Fatalf("node printed %q: %v", out, err)
	}
	if len(got.SelfID) != 20 || !got.Same || !got.Shared || !got.V025 || !got.Pause || got.JoinRoom != "function" || len(got.Sockets) != 0 ||
		got.Thrown != "Trystero: config map is missing appId field" {
		t.Fatalf("imported package: %+v", got)
	}
}

// untar extracts a gzipped npm tarball's package/ folder into dir and
// returns the file names.
func untar(t *testing.T, path, dir string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok || h.Typeflag != tar.TypeReg || strings.Contains(name, "..") {
			t.Fatalf("unexpected tar entry %q", h.Name)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
}
