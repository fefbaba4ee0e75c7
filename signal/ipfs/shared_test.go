//go:build !js

package ipfs

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/waku"
)

// TestRoomsShareConnection: an instance's rooms share one connection to a
// node (the node pushes by peer id, so a connection per room would have
// it push one room's messages on another's connection): two instances in
// three rooms meet in each, over two connections, and leaving one room
// keeps the others' subscriptions.
func TestRoomsShareConnection(t *testing.T) {
	testutil.RequireNetns(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := waku.New(ctx, &waku.Options{ListenAddr: waku.DefaultListenAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	addr := n.Multiaddrs()[0]
	cfg := posthorn.Config{AppID: "test-app", RelayURLs: []string{addr}, RTCConfig: &webrtc.Configuration{}}
	a, b := New(nil), New(nil)
	defer a.Close()
	defer b.Close()
	var roomsA []*posthorn.Room
	for i := range 3 {
		joins := make(chan string, 4)
		ra, err := a.JoinRoom(strategytest.Ctx(t), cfg, fmt.Sprint("shared-", i))
		if err != nil {
			t.Fatal(err)
		}
		ra.OnPeerJoin(func(id string) { joins <- id })
		roomsA = append(roomsA, ra)
		if _, err := b.JoinRoom(strategytest.Ctx(t), cfg, fmt.Sprint("shared-", i)); err != nil {
			t.Fatal(err)
		}
		if got := next(t, joins, "join"); got != b.SelfID() {
			t.Fatalf("room %d: met %q", i, got)
		}
	}
	if c := n.Conns(); c != 2 {
		t.Fatalf("%d connections to the node, want one per instance", c)
	}
	if s := a.RelaySockets(); len(s) != 1 || s[addr] != posthorn.RelayOpen {
		t.Fatalf("RelaySockets %v", s)
	}
	// a leaves room 0; a third instance still meets a in room 2
	if err := roomsA[0].Leave(); err != nil {
		t.Fatal(err)
	}
	joins := make(chan string, 4)
	roomsA[2].OnPeerJoin(func(id string) { joins <- id })
	c := New(nil)
	defer c.Close()
	if _, err := c.JoinRoom(strategytest.Ctx(t), cfg, "shared-2"); err != nil {
		t.Fatal(err)
	}
	if got := next(t, joins, "join"); got != c.SelfID() {
		t.Fatalf("after a leave, met %q", got)
	}
}
