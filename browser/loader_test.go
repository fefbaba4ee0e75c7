//go:build !js

package browser

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestLoaderWithoutWasmType: a server that sends the .wasm as
// application/octet-stream (no streaming compile possible) still gets a
// working module, compiled from the whole body.
func TestLoaderWithoutWasmType(t *testing.T) { browsertest.ForEach(t, testLoaderWithoutWasmType) }

func testLoaderWithoutWasmType(t *testing.T, k browsertest.Kind) {
	dist := buildDist(t, k)
	files := http.FileServer(http.Dir(dist))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/test.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(strings.ReplaceAll(testPage, "STRATEGY", "torrent")))
			return
		case strings.HasSuffix(r.URL.Path, ".wasm"):
			w.Header().Set("Content-Type", "application/octet-stream")
		case strings.HasSuffix(r.URL.Path, ".js"), strings.HasSuffix(r.URL.Path, ".mjs"):
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	b := browsertest.LaunchKind(t, k)
	p := b.NewNamedPage(t, "octet", srv.URL+"/test.html")
	p.WaitFor(t, "window.loaded === true", 0)
	if id := selfID(t, p); len(id) != 20 {
		t.Fatalf("selfId %q", id)
	}
	if typ := browsertest.EvalAs[string](t, p, "fetch('/posthorn-torrent.wasm').then(r => r.headers.get('Content-Type'))"); typ != "application/octet-stream" {
		t.Fatalf("the server sent the wasm as %q", typ)
	}
}
