//go:build js

package ws_test

import (
	"os"
	"testing"
)

// serverURL returns the URL of internal/cmd/wstestserver, which
// scripts/test-wasm-mqtt starts on loopback for these tests under Node (a
// js/wasm program cannot listen).
func serverURL(t *testing.T) string {
	u := os.Getenv("POSTHORN_WS_SERVER")
	if u == "" {
		t.Skip("POSTHORN_WS_SERVER not set (scripts/test-wasm-mqtt sets it)")
	}
	return u
}
