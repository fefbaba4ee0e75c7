//go:build !js

package ipfs

import (
	"context"
	"crypto/ed25519"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/waku"
)

// nodeKind is the project's Waku service node (relay/waku) on loopback.
// Stop closes it; Start starts a node with the same key on the same port,
// so the multiaddr members hold stays valid.
var nodeKind = strategytest.RelayKind{Name: "relay-waku", Start: startNode}

// fixedPeer is a peer id for URLs where no node listens (Harness.URLOf).
const fixedPeer = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"

// urlOf is the multiaddr of a (dead or black-holed) server at host:port.
func urlOf(hostPort string) string {
	i := strings.LastIndex(hostPort, ":")
	return "/ip4/" + hostPort[:i] + "/tcp/" + hostPort[i+1:] + "/ws/p2p/" + fixedPeer
}

type testNode struct {
	t    testing.TB
	key  ed25519.PrivateKey
	addr string // listen multiaddr with the port the first start got

	mu sync.Mutex
	n  *waku.Node
}

func startNode(t testing.TB) *strategytest.Relay {
	t.Helper()
	testutil.RequireNetns(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	tn := &testNode{t: t, key: key, addr: waku.DefaultListenAddr}
	tn.start()
	url := tn.url()
	i := strings.LastIndex(url, "/p2p/")
	tn.addr = url[:i] // the same port on restarts
	t.Cleanup(tn.stop)
	return &strategytest.Relay{URL: url, Stop: tn.stop, Start: tn.start}
}

func (tn *testNode) start() {
	tn.t.Helper()
	var n *waku.Node
	var err error
	for range 100 { // the port may linger briefly after Close
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		n, err = waku.New(ctx, &waku.Options{ListenAddr: tn.addr, Key: tn.key})
		cancel()
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		tn.t.Fatalf("waku node on %s: %v", tn.addr, err)
	}
	tn.mu.Lock()
	tn.n = n
	tn.mu.Unlock()
}

func (tn *testNode) url() string {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	for _, a := range tn.n.Multiaddrs() {
		if strings.HasPrefix(a, "/ip4/127.0.0.1/") && strings.Contains(a, "/ws/") {
			return a
		}
	}
	tn.t.Fatalf("waku node has no loopback /ws address: %v", tn.n.Multiaddrs())
	return ""
}

func (tn *testNode) stop() {
	tn.mu.Lock()
	n := tn.n
	tn.n = nil
	tn.mu.Unlock()
	if n != nil {
		_ = n.Close()
	}
}
