package testutil

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// ownNetnsEnv names the test that runs in a namespace of its own.
const ownNetnsEnv = "POSTHORN_OWN_NETNS"

// OwnNetns gives t a network namespace of its own, for a test that changes
// the firewall (Firewall) and must not disturb tests running beside it in
// scripts/in-netns. Called by the test, it runs the test binary again with
// only t selected, inside a fresh namespace with only lo up (unshare -n,
// which needs root, as scripts/in-netns does), relays its output and
// reports false: the caller returns, and t passes or fails with that run.
// In that run it reports true: the caller goes on. It skips t outside
// scripts/in-netns, and when nft (Debian's nftables, installed by
// scripts/deps) is missing.
func OwnNetns(t *testing.T) bool {
	t.Helper()
	if os.Getenv(ownNetnsEnv) == t.Name() {
		return true
	}
	RequireNetns(t)
	if _, err := exec.LookPath("nft"); err != nil {
		t.Skip("nft not found: install nftables (scripts/deps does)")
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	args := []string{"-n", "--", "sh", "-c", `ip link set lo up && exec "$@"`, "sh",
		os.Args[0], "-test.run=" + strings.Join(parts, "/"), "-test.count=1", "-test.v"}
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), ownNetnsEnv+"="+t.Name())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("in a namespace of its own:\n%s", out.String())
	if err != nil {
		t.Fatalf("the run in its own namespace failed: %v", err)
	}
	if !strings.Contains(out.String(), "--- PASS: "+t.Name()) {
		t.Fatalf("the run in its own namespace did not pass %s", t.Name())
	}
	return false
}

// Firewall runs nft with args (one nft command, e.g. "add", "table", ...)
// in the test's own namespace (OwnNetns), failing t if it fails.
func Firewall(t testing.TB, args ...string) {
	t.Helper()
	if os.Getenv(ownNetnsEnv) == "" {
		t.Fatal("testutil.Firewall outside a namespace of the test's own (OwnNetns)")
	}
	if out, err := exec.Command("nft", args...).CombinedOutput(); err != nil {
		t.Fatalf("nft %s: %v: %s", strings.Join(args, " "), err, out)
	}
}
