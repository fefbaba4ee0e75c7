//go:build !js

package browser

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/relay/waku"
	"github.com/posthorn/posthorn/signal/ipfs"
	"github.com/posthorn/posthorn/transfer"
)

// newIpfsEnv is newEnvFor the ipfs strategy: the relay is the project's
// Waku service node (relay/waku) and e.tracker its /ws multiaddr.
func newIpfsEnv(t testing.TB, k browsertest.Kind) *env {
	dist := buildDist(t, k)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := waku.New(ctx, &waku.Options{ListenAddr: waku.DefaultListenAddr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	e := &env{t: t, kind: k, strategy: "ipfs", tracker: n.Multiaddrs()[0]}
	e.b = browsertest.LaunchKind(t, k)
	e.srv = browsertest.Serve(t, dist)
	e.srv.AddFile("/test.html", []byte(strings.ReplaceAll(testPage, "STRATEGY", "ipfs")))
	return e
}

// TestIpfs: posthorn/ipfs pages and a native peer meet through the Waku
// node and talk. One page names the node in relayUrls, the other as
// Trystero pages do, as a bootstrap peer of libp2pConfig (a factory shaped
// as @libp2p/bootstrap's bootstrap({list})); a leave is seen by the
// others; equal passwords meet.
func TestIpfs(t *testing.T) { browsertest.ForEach(t, testIpfs) }

func testIpfs(t *testing.T, k browsertest.Kind) {
	e := newIpfsEnv(t, k)
	p1, p2 := e.page("p1"), e.page("p2")
	id1, id2 := selfID(t, p1), selfID(t, p2)
	byRelayURLs := fmt.Sprintf(`{appId: 'test-app', relayUrls: [%s], rtcConfig: {iceServers: []}`, jsString(e.tracker))
	byBootstrap := fmt.Sprintf(`{appId: 'test-app', rtcConfig: {iceServers: []}, libp2pConfig: {
  connectionGater: {denyDialMultiaddr: async () => false},
  peerDiscovery: [components => ({list: [{multiaddrs: [{toString: () => %s}]}]})]}`, jsString(e.tracker))
	join := func(p *browsertest.Page, cfg, ns string) {
		p.Eval(t, fmt.Sprintf(`(() => {
  window.room = joinRoom(%s}, %q)
  window.peers = new Set()
  window.left = []
  room.onPeerJoin(peerId => peers.add(peerId))
  room.onPeerLeave(peerId => { peers.delete(peerId); left.push(peerId) })
  return true
})()`, cfg, ns), nil)
	}

	s := ipfs.New(&posthorn.Options{})
	t.Cleanup(s.Close)
	goID := s.SelfID()
	ctx, cancel := context.WithTimeout(context.Background(), browsertest.DefaultTimeout)
	defer cancel()

	join(p1, byRelayURLs, "mixed")
	r, err := s.JoinRoom(ctx, posthorn.Config{AppID: "test-app", RelayURLs: []string{e.tracker}, RTCConfig: &webrtc.Configuration{}}, "mixed")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 8)
	act, err := r.MakeAction("hi")
	if err != nil {
		t.Fatal(err)
	}
	act.OnReceive(func(m transfer.Message, from string) { got <- from + ":" + m.String() })
	join(p2, byBootstrap, "mixed")
	waitPeers(t, p1, id2, goID)
	waitPeers(t, p2, id1, goID)

	for _, p := range []*browsertest.Page{p1, p2} {
		p.Eval(t, `room.makeAction('hi')[0]('from '+selfId, null).then(() => true)`, nil)
	}
	seen := map[string]bool{}
	for len(seen) < 2 {
		select {
		case m := <-got:
			seen[m] = true
		case <-ctx.Done():
			t.Fatalf("native peer got %v", seen)
		}
	}
	if !seen[id1+":from "+id1] || !seen[id2+":from "+id2] {
		t.Fatalf("native peer got %v", seen)
	}
	if socks := browsertest.EvalAs[map[string]int](t, p1, "Object.fromEntries(Object.entries(getRelaySockets()).map(([u, s]) => [u, s.readyState]))"); socks[e.tracker] != 1 {
		t.Fatalf("page's getRelaySockets: %v", socks)
	}

	// p2 leaves: the others see it go
	p2.Eval(t, `Promise.resolve(room.leave()).then(() => true)`, nil)
	p1.WaitFor(t, "left.includes("+jsString(id2)+")", 0)

	// a page and the native peer with the same password meet
	pw := posthorn.Config{AppID: "test-app", Password: "correct horse", RelayURLs: []string{e.tracker}, RTCConfig: &webrtc.Configuration{}}
	rp, err := s.JoinRoom(ctx, pw, "pw")
	if err != nil {
		t.Fatal(err)
	}
	joined := make(chan string, 2)
	rp.OnPeerJoin(func(id string) { joined <- id })
	join(p2, byBootstrap+", password: 'correct horse'", "pw")
	waitPeers(t, p2, goID)
	select {
	case id := <-joined:
		if id != id2 {
			t.Fatalf("native peer met %s, want %s", id, id2)
		}
	case <-ctx.Done():
		t.Fatal("native peer never met the page")
	}
}

// TestIpfsTrystero: a posthorn/ipfs page and a real trystero@0.18.0 ipfs
// page in Chromium meet through the Waku node and greet each other, in
// both join orders, with and without a password; the Trystero page sees
// the posthorn page leave.
func TestIpfsTrystero(t *testing.T) {
	e := newIpfsEnv(t, browsertest.Chromium)
	e.srv.AddFile("/trystero.js", browsertest.IpfsTrysteroPage(t))
	e.srv.AddFile("/trystero.html", []byte(`<!doctype html><meta charset="utf-8"><script type="module" src="/trystero.js"></script>`))
	for _, c := range []struct {
		name, password string
		posthornFirst  bool
	}{{"posthorn-first", "", true}, {"trystero-first", "", false}, {"password", "s3cret", true}} {
		t.Run(c.name, func(t *testing.T) {
			ph := e.page("posthorn-" + c.name)
			tr := e.b.NewNamedPage(t, "trystero-"+c.name, e.srv.URL+"/trystero.html")
			tr.WaitFor(t, "!!window.T", 0)
			phID := selfID(t, ph)
			joinPH := func() {
				pw := ""
				if c.password != "" {
					pw = ", password: " + jsString(c.password)
				}
				ph.Eval(t, fmt.Sprintf(`(() => {
  window.room = joinRoom({appId: 'posthorn-ipfs-interop', relayUrls: [%s], rtcConfig: {iceServers: []}%s}, %q)
  window.peers = new Set()
  window.got = []
  const [send, get] = room.makeAction('msg')
  get((data, id) => got.push(id + ' ' + data))
  room.onPeerJoin(id => { peers.add(id); send('hello from ' + selfId, id) })
  return true
})()`, jsString(e.tracker), pw, c.name), nil)
			}
			var trID string
			joinTR := func() {
				tr.Eval(t, fmt.Sprintf("T.join(%s, 'posthorn-ipfs-interop', %q, %s)", jsString(e.tracker), c.name, jsString(c.password)), &trID)
			}
			if c.posthornFirst {
				joinPH()
				joinTR()
			} else {
				joinTR()
				joinPH()
			}
			waitPeers(t, ph, trID)
			ph.WaitFor(t, fmt.Sprintf("got.includes(%s)", jsString(trID+" hello from "+trID)), 0)
			tr.WaitFor(t, fmt.Sprintf("T.recv.includes(%s)", jsString(phID+" hello from "+phID)), 0)
			ph.Eval(t, `Promise.resolve(room.leave()).then(() => true)`, nil)
			tr.WaitFor(t, "T.left.includes("+jsString(phID)+")", 0)
		})
	}
}
