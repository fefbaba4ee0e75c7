//go:build !js

package ipfs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// bundleTrysteroPage bundles the fixture's page.js (real trystero@0.18.0's
// ipfs strategy with @libp2p/bootstrap; it records joins, leaves and "msg"
// messages in window.T) for the browser.
func bundleTrysteroPage(t *testing.T) []byte {
	t.Helper()
	platform := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	esbuild := filepath.Join(trysteroFixture, "node_modules", "@esbuild", runtime.GOOS+"-"+platform, "bin", "esbuild")
	if _, err := os.Stat(esbuild); err != nil {
		t.Skip("npm fixture not installed: run scripts/deps")
	}
	esbuild, err := filepath.Abs(esbuild)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "page.js")
	// dns-query (under @waku/sdk's DNS discovery) needs require('url') only
	// where globalThis.URL is missing, never in a browser.
	cmd := exec.Command(esbuild, "page.js", "--bundle", "--format=esm", "--platform=browser",
		"--external:url", "--log-level=warning", "--outfile="+out)
	cmd.Dir = trysteroFixture
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTrysteroChromium: a posthorn member and a real trystero@0.18.0 ipfs
// page in Chromium meet through the service node, in both join orders,
// with and without a password; each receives the other's message, and the
// page sees the member leave.
func TestTrysteroChromium(t *testing.T) {
	testutil.RequireNetns(t)
	if browsertest.Chromium.Path() == "" {
		t.Skip("no Chromium installed")
	}
	b := browsertest.Launch(t)
	site := browsertest.Serve(t, "")
	site.AddFile("/page.js", bundleTrysteroPage(t))
	site.AddFile("/index.html", []byte(`<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>`))
	for _, password := range []string{"", "s3cret"} {
		for _, pageFirst := range []bool{true, false} {
			name := "native-first"
			if pageFirst {
				name = "page-first"
			}
			if password != "" {
				name += "/password"
			}
			t.Run(name, func(t *testing.T) {
				addr := startNode(t).URL
				room := "room-" + strings.ReplaceAll(name, "/", "-")
				p := b.NewPage(t, site.URL+"/index.html")
				p.WaitFor(t, "!!window.T", 0)
				joinPage := func() string {
					var id string
					p.Eval(t, fmt.Sprintf("T.join(%s, %s, %s, %s)", strconv.Quote(addr), strconv.Quote(trysteroAppID),
						strconv.Quote(room), strconv.Quote(password)), &id)
					return id
				}
				var n *nativePeer
				var pageID string
				if pageFirst {
					pageID = joinPage()
					n = joinNative(t, addr, room, password)
				} else {
					n = joinNative(t, addr, room, password)
					pageID = joinPage()
				}
				if got := next(t, n.joins, "join"); got != pageID {
					t.Fatalf("native met %q, want %q", got, pageID)
				}
				if got := next(t, n.recv, "message"); got != pageID+" hello from "+pageID {
					t.Fatalf("native received %q", got)
				}
				self := strconv.Quote(n.s.SelfID())
				p.WaitFor(t, fmt.Sprintf("T.recv.includes(%s)", strconv.Quote(n.s.SelfID()+" hello from "+n.s.SelfID())), 0)
				if err := n.room.Leave(); err != nil {
					t.Fatal(err)
				}
				p.WaitFor(t, "T.left.includes("+self+")", 0)
				var joined []string
				p.Eval(t, "T.joined", &joined)
				if len(joined) != 1 {
					t.Fatalf("the page saw joins %v", joined)
				}
				var errs []string
				p.Eval(t, "T.errors", &errs)
				if len(errs) > 0 {
					t.Logf("page errors (Trystero's own): %q", errs)
				}
			})
		}
	}
}
