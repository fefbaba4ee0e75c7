//go:build !js

package interop

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// wasmDir is where, under the assets folder, posthorn's npm package (dist/
// modules, wasm builds, wasm_exec.js) is served from.
const wasmDir = "posthorn"

var wasmBuilds sync.Map // strategy → *wasmBuild

type wasmBuild struct {
	once sync.Once
	err  error
}

// posthornLib builds posthorn's wasm for strategy (cmd/wasm/<strategy>) from
// the working tree, once per test binary, next to copies of dist/'s modules,
// and returns the URL path of the strategy's module (dist/<strategy>.mjs).
func posthornLib(t testing.TB, strategy string) string {
	t.Helper()
	dir := assets(t)
	v, _ := wasmBuilds.LoadOrStore(strategy, &wasmBuild{})
	wb := v.(*wasmBuild)
	wb.once.Do(func() { wb.err = buildWasm(filepath.Join(dir, wasmDir), strategy) })
	if wb.err != nil {
		t.Fatalf("interop: building posthorn's %s wasm: %v", strategy, wb.err)
	}
	return "/" + wasmDir + "/" + strategy + ".mjs"
}

func buildWasm(out, strategy string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	mods, err := filepath.Glob(filepath.Join("..", "dist", "*.mjs"))
	if err != nil || len(mods) == 0 {
		return fmt.Errorf("no dist/*.mjs modules (%v)", err)
	}
	for _, m := range mods {
		b, err := os.ReadFile(m)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(m)), b, 0o644); err != nil {
			return err
		}
	}
	execJS, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "wasm_exec.js"), execJS, 0o644); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(out, "posthorn-"+strategy+".wasm"), "./cmd/wasm/"+strategy)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/wasm/%s: %v\n%s", strategy, err, msg)
	}
	return nil
}
