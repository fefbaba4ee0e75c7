//go:build !js

package browsertest

import (
	"net"
	"net/http"
	"path"
	"sync"
	"testing"
)

// contentTypes are set explicitly rather than taken from the system's MIME
// table: browsers refuse module scripts served without a JavaScript type and
// WebAssembly.instantiateStreaming needs application/wasm.
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
}

// Server is a static file server on 127.0.0.1 for test pages.
type Server struct {
	URL string // http://127.0.0.1:<port>, no trailing slash

	mu       sync.Mutex
	files    map[string]file // in-memory files, served before the folder
	dir      http.Handler    // nil when serving only in-memory files
	isolated bool            // see Isolate
}

type file struct {
	contentType string
	data        []byte
}

// Serve serves the folder dir ("" for none) on a loopback port until t ends.
// Responses are never cached, so a rebuilt bundle is always fetched anew.
func Serve(t testing.TB, dir string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("browsertest: listen: %v", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), files: map[string]file{}}
	if dir != "" {
		s.dir = http.FileServer(http.Dir(dir))
	}
	srv := &http.Server{Handler: s}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// AddFile serves data at urlPath (e.g. "/index.html"), with the content type
// given by its extension.
func (s *Server) AddFile(urlPath string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[urlPath] = file{contentType: contentTypes[path.Ext(urlPath)], data: data}
}

// Isolate makes the pages cross-origin isolated from their next load on
// (COOP same-origin, COEP require-corp): performance.now then has
// microsecond steps instead of 0.1 ms, which benchmarks that time single
// messages need. Every resource of such a page must be this server's.
func (s *Server) Isolate() {
	s.mu.Lock()
	s.isolated = true
	s.mu.Unlock()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s.mu.Lock()
	if s.isolated {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
	}
	s.mu.Unlock()
	if ct, ok := contentTypes[path.Ext(r.URL.Path)]; ok {
		w.Header().Set("Content-Type", ct)
	}
	s.mu.Lock()
	f, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	switch {
	case ok:
		if f.contentType != "" {
			w.Header().Set("Content-Type", f.contentType)
		}
		w.Write(f.data)
	case r.URL.Path == "/favicon.ico":
		// Chromium asks for it on every page; a 404 would log an error.
		w.WriteHeader(http.StatusNoContent)
	case s.dir != nil:
		s.dir.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}
