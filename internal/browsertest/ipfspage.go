//go:build !js

package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// IpfsTrysteroPage returns the npm fixture scripts/npm-trystero-node's
// page.js bundled for the browser with the fixture's esbuild: real
// trystero@0.18.0's ipfs strategy with @libp2p/bootstrap, recording joins,
// leaves and "msg" messages in window.T. It skips t when the fixture is not
// installed (scripts/deps installs it).
func IpfsTrysteroPage(t testing.TB) []byte {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	fixture := filepath.Join(root, "scripts", "npm-trystero-node")
	platform := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	esbuild := filepath.Join(fixture, "node_modules", "@esbuild", runtime.GOOS+"-"+platform, "bin", "esbuild")
	if _, err := os.Stat(esbuild); err != nil {
		t.Skip("npm fixture not installed: run scripts/deps")
	}
	out := filepath.Join(t.TempDir(), "page.js")
	// dns-query, under @waku/sdk's DNS discovery, falls back to
	// require('url') only where globalThis.URL is missing, never in a
	// browser.
	cmd := exec.Command(esbuild, "page.js", "--bundle", "--format=esm", "--platform=browser",
		"--external:url", "--log-level=warning", "--outfile="+out)
	cmd.Dir = fixture
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
