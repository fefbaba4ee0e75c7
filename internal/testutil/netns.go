// Package testutil holds helpers shared by posthorn's tests.
package testutil

import (
	"os"
	"testing"
)

// RequireNetns skips t unless it runs inside scripts/in-netns, a fresh network
// namespace with only the loopback interface. WebRTC gathers host candidates on
// every interface, so tests that open peer connections or start relays must not
// run in the machine's own namespace.
func RequireNetns(t testing.TB) {
	t.Helper()
	if !InNetns() {
		t.Skip("needs a loopback-only network namespace: run through scripts/in-netns (make test does)")
	}
}

// InNetns reports whether the process runs inside scripts/in-netns.
func InNetns() bool { return os.Getenv("POSTHORN_IN_NETNS") == "1" }
