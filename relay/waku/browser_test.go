//go:build !js

package waku

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// Two Chromium pages with real trystero@0.18.0's ipfs strategy, and a
// trystero peer in Node, all meet through the node and greet each other.
func TestTrysteroChromiumPeersMeet(t *testing.T) {
	b := browsertest.Launch(t)
	page := browsertest.IpfsTrysteroPage(t)
	n := startNode(t, nil)
	addr := n.Multiaddrs()[0]
	site := browsertest.Serve(t, "")
	site.AddFile("/page.js", page)
	site.AddFile("/index.html", []byte(`<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>`))

	const room = "chromium"
	var ids []string
	var pages []*browsertest.Page
	for range 2 {
		p := b.NewPage(t, site.URL+"/index.html")
		p.WaitFor(t, "!!window.T", 0)
		var id string
		p.Eval(t, fmt.Sprintf("T.join(%s, 'posthorn-waku-test', %s)", strconv.Quote(addr), strconv.Quote(room)), &id)
		ids = append(ids, id)
		pages = append(pages, p)
	}
	nodePeer := startJSPeer(t, "node", addr, room, "")
	ids = append(ids, nodePeer.self)
	for i, p := range pages {
		for j, other := range ids {
			if i == j {
				continue
			}
			p.WaitFor(t, fmt.Sprintf("T.recv.includes(%s)", strconv.Quote(other+" hello from "+other)), 2*wait)
		}
		var errs []string
		p.Eval(t, "T.errors", &errs)
		if len(errs) > 0 {
			t.Errorf("%s: page errors %q", p.Name, errs)
		}
	}
	nodePeer.expectAll("RECV "+ids[0]+" hello from "+ids[0], "RECV "+ids[1]+" hello from "+ids[1])
}
