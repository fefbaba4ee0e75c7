//go:build !js

package main

import (
	"slices"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// DemoIPFSPNGEnv names the environment variable that, when set to a path,
// makes TestDemoIPFS write its screenshot there (docs/demo-ipfs.png for the
// README): POSTHORN_DEMO_IPFS_PNG=$PWD/docs/demo-ipfs.png.
const DemoIPFSPNGEnv = "POSTHORN_DEMO_IPFS_PNG"

// TestDemoIPFS: two tabs of the demo pick ipfs in the strategy menu, meet
// through the embedded Waku service node (whose multiaddrs demo-config.json
// lists), show its connection as their one relay, get make demo's TURN
// server in their peer connections, and chat both ways. TestDemo's loop
// also chats over ipfs in each browser.
func TestDemoIPFS(t *testing.T) {
	if !slices.Contains(builtStrategies(t), "ipfs") {
		t.Fatal("dist/ has no posthorn-ipfs.wasm after building")
	}
	base := startDemo(t)
	b := browsertest.Launch(t)
	p1 := openDemo(t, b, base, "demo-ipfs", "ipfs")
	p2 := openDemo(t, b, base, "demo-ipfs", "ipfs")
	p1.waitPeers(p2)
	p2.waitPeers(p1)
	for _, p := range []*demoPage{p1, p2} {
		p.WaitFor(t, `document.getElementById('strategy-name').textContent === 'ipfs' &&
			document.getElementById('relays').textContent === '1/1 relay connected' &&
			Object.keys(posthornDemo.getRelaySockets()).every(u => u.startsWith('/ip4/127.0.0.1/tcp/') && u.includes('/ws/p2p/'))`, peerTimeout)
	}
	p1.WaitFor(t, `Object.values(posthornDemo.room.getPeers()).some(pc =>
		pc.getConfiguration().iceServers.some(s => s.username && [].concat(s.urls).some(u => u.startsWith('turn:'))))`, peerTimeout)
	p1.WaitFor(t, `/^\d+ ms$/.test(document.querySelector('#peers li[data-peer] .ping').textContent)`, peerTimeout)
	p1.say("hello over waku")
	p2.waitChat(p1, "hello over waku")
	p2.say("waku reply")
	p1.waitChat(p2, "waku reply")

	p2.viewport(1200, 900, false)
	p2.WaitFor(t, `/^\d+ ms$/.test(document.querySelector('#peers li[data-peer] .ping').textContent)`, peerTimeout)
	writePNG(t, DemoIPFSPNGEnv, p2.fullScreenshot("desktop"))
	for _, p := range []*demoPage{p1, p2} {
		checkNoErrors(t, p)
	}
}
