package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// VectorPath returns the path of a test vector in the repository's
// testdata/vectors: values captured from the real Trystero libraries (see
// testdata/vectors/README.md).
func VectorPath(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "vectors", name)
}

// Vector reads a test vector, failing t if it cannot.
func Vector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(VectorPath(name))
	if err != nil {
		t.Fatalf("test vector: %v", err)
	}
	return b
}
