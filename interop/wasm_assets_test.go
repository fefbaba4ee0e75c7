//go:build !js

package interop

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// wasmDir is where, under the assets folder, posthorn's npm package (dist/
// modules, wasm builds, wasm_exec.js) is served from.
const wasmDir = "posthorn"

var (
	linkOnce sync.Once
	linkErr  error
)

// posthornLib makes posthorn's npm package (dist/, with its bundles built
// from the working tree by browsertest.Dist) available under the assets
// folder and returns the URL path of the strategy's module
// (dist/<strategy>.mjs).
func posthornLib(t testing.TB, strategy string) string {
	t.Helper()
	dir := assets(t)
	dist := browsertest.Dist(t)
	linkOnce.Do(func() { linkErr = os.Symlink(dist, filepath.Join(dir, wasmDir)) })
	if linkErr != nil {
		t.Fatalf("interop: serving dist/: %v", linkErr)
	}
	if _, err := os.Stat(filepath.Join(dist, "posthorn-"+strategy+".wasm")); err != nil {
		t.Fatalf("interop: no %s bundle: %v", strategy, err)
	}
	return "/" + wasmDir + "/" + strategy + ".mjs"
}
