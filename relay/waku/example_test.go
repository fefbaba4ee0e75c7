//go:build !js

package waku_test

import (
	"context"
	"fmt"
	"log"

	"github.com/posthorn/posthorn/relay/waku"
)

// A service node on a fixed port with a kept key, so that the address
// Trystero pages bootstrap to stays the same across restarts.
func Example() {
	key, err := waku.LoadKey("waku.key")
	if err != nil {
		log.Fatal(err)
	}
	n, err := waku.New(context.Background(), &waku.Options{
		ListenAddr: "/ip4/0.0.0.0/tcp/8001/ws",
		Key:        key,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer n.Close()
	// Pages pass one of these in
	// libp2pConfig: {peerDiscovery: [bootstrap({list: [addr]})]}.
	for _, addr := range n.Multiaddrs() {
		fmt.Println(addr) // /ip4/<ip>/tcp/8001/ws/p2p/<peer id>
	}
}
