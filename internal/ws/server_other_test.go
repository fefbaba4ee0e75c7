//go:build !js

package ws_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/ws/wstest"
)

// serverURL starts wstest's server in-process and returns its ws:// URL.
func serverURL(t *testing.T) string {
	srv := httptest.NewServer(wstest.Handler())
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}
