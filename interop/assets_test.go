//go:build !js

package interop

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// strategies are trystero@0.18.0's entry points bundled for the pages, as
// package export → bundle file (js/node_modules/trystero/package.json
// "exports").
var strategies = map[string]string{
	"trystero/torrent":  "trystero-torrent.js",
	"trystero/nostr":    "trystero-nostr.js",
	"trystero/mqtt":     "trystero-mqtt.js",
	"trystero/firebase": "trystero-firebase.js",
}

// indexHTML is the test page: it only loads the harness, which waits for
// H.join from the test.
const indexHTML = `<!doctype html>
<meta charset="utf-8">
<title>posthorn interop</title>
<script type="module" src="/harness.js"></script>
<body></body>
`

var (
	assetsOnce sync.Once
	assetsPath string
	assetsErr  error
)

// assets returns a folder holding the bundles, harness.js and index.html,
// built once per test binary.
func assets(t testing.TB) string {
	t.Helper()
	assetsOnce.Do(func() { assetsPath, assetsErr = buildAssets() })
	if assetsErr != nil {
		t.Fatalf("interop: building the JS fixture: %v", assetsErr)
	}
	return assetsPath
}

// esbuildBinary finds esbuild in the npm fixture: the platform package's
// native binary (present after npm ci --ignore-scripts), else the npm shim.
func esbuildBinary() (string, error) {
	platform := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	candidates := []string{
		filepath.Join("js", "node_modules", "@esbuild", runtime.GOOS+"-"+platform, "bin", "esbuild"),
		filepath.Join("js", "node_modules", ".bin", "esbuild"),
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return filepath.Abs(c)
		}
	}
	return "", errors.New("esbuild not found in interop/js/node_modules: run scripts/deps (npm ci in interop/js)")
}

func buildAssets() (string, error) {
	esbuild, err := esbuildBinary()
	if err != nil {
		return "", err
	}
	out, err := os.MkdirTemp("", "posthorn-interop-")
	if err != nil {
		return "", err
	}
	for entry, file := range strategies {
		cmd := exec.Command(esbuild, entry,
			"--bundle", "--format=esm", "--platform=browser", "--log-level=warning",
			"--outfile="+filepath.Join(out, file))
		cmd.Dir = "js"
		if msg, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("esbuild %s: %v\n%s", entry, err, msg)
		}
	}
	harness, err := os.ReadFile(filepath.Join("js", "harness.js"))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(out, "harness.js"), harness, 0o644); err != nil {
		return "", err
	}
	return out, os.WriteFile(filepath.Join(out, "index.html"), []byte(indexHTML), 0o644)
}

// TestMain removes the built assets after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if assetsPath != "" {
		os.RemoveAll(assetsPath)
	}
	os.Exit(code)
}

// site serves the assets on loopback until t ends.
func site(t testing.TB) *browsertest.Server {
	t.Helper()
	return browsertest.Serve(t, assets(t))
}
