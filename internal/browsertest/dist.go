//go:build !js

package browsertest

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Dist returns the repository's dist/ folder (the npm package: loaders,
// wasm_exec.js and one posthorn-<strategy>.wasm per cmd/wasm/<strategy>) with
// every bundle up to date: when one is missing or older than a Go source, it
// runs scripts/build-wasm first. Test binaries that run at once share that one
// build through a lock file, so `make test` (which builds first) builds nothing
// here and a test run after an edit builds once.
func Dist(t testing.TB) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dist := filepath.Join(root, "dist")
	lock, err := os.OpenFile(filepath.Join(dist, ".build.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("browsertest: locking dist/: %v", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	stale, why, err := distStale(root)
	if err != nil {
		t.Fatal(err)
	}
	if stale {
		t.Logf("browsertest: rebuilding dist/ (%s)", why)
		cmd := exec.Command(filepath.Join(root, "scripts", "build-wasm"))
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("scripts/build-wasm: %v\n%s", err, out)
		}
	}
	return dist
}

// distStale reports whether some cmd/wasm/<strategy> has no bundle, or a
// bundle is older than the newest Go source or go.mod/go.sum.
func distStale(root string) (bool, string, error) {
	mains, err := filepath.Glob(filepath.Join(root, "cmd", "wasm", "*", "main.go"))
	if err != nil || len(mains) == 0 {
		return false, "", fmt.Errorf("browsertest: no cmd/wasm/<strategy>/main.go under %s", root)
	}
	oldest := time.Time{}
	for _, m := range mains {
		name := filepath.Base(filepath.Dir(m))
		st, err := os.Stat(filepath.Join(root, "dist", "posthorn-"+name+".wasm"))
		if err != nil {
			return true, "no posthorn-" + name + ".wasm", nil
		}
		if oldest.IsZero() || st.ModTime().Before(oldest) {
			oldest = st.ModTime()
		}
	}
	if _, err := os.Stat(filepath.Join(root, "dist", "wasm_exec.js")); err != nil {
		return true, "no wasm_exec.js", nil
	}
	newer := ""
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || newer != "" {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "artefacts", "dist", "web":
				return filepath.SkipDir
			}
			return nil
		}
		n := d.Name()
		if !strings.HasSuffix(n, ".go") && n != "go.mod" && n != "go.sum" || strings.HasSuffix(n, "_test.go") {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(oldest) {
			newer = path
		}
		return nil
	})
	if newer != "" {
		rel, _ := filepath.Rel(root, newer)
		return true, rel + " is newer than the bundles", err
	}
	return false, "", err
}
