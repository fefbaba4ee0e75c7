//go:build !js

package main

import (
	"context"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/waku"
)

// TestChatIpfs: two chat commands meet through a Waku service node given
// with --relay (its multiaddr), and talk.
func TestChatIpfs(t *testing.T) {
	testutil.RequireNetns(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := waku.New(ctx, &waku.Options{ListenAddr: waku.DefaultListenAddr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	args := []string{"--strategy", "ipfs", "--relay", n.Multiaddrs()[0], "--ice", "none", "--app", "posthorn-cli-test"}
	idA, idB := newID(), newID()
	a := start(t, "a", prefixed("chat", args, "--id", idA, "--peers", "1", "room-chat")...)
	b := start(t, "b", prefixed("chat", args, "--id", idB, "--json", "--peers", "1", "room-chat")...)
	b.stdout.waitEvent(t, map[string]any{"event": "join", "peer": idA})
	a.write(t, "hello over waku\n")
	b.stdout.waitEvent(t, map[string]any{"event": "message", "peer": idA, "text": "hello over waku"})
}
