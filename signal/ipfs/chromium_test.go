//go:build !js

package ipfs

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
)

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
	site.AddFile("/page.js", browsertest.IpfsTrysteroPage(t))
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
