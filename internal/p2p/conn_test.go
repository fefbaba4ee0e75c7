//go:build !js

package p2p

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestDial: a go-libp2p host authenticates our ed25519 identity, echoes on
// a stream we open, and opens streams to us that our handler serves; its
// identify learns our protocols.
func TestDial(t *testing.T) {
	testutil.RequireNetns(t)
	h, addr := newHost(t)
	key, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := peer.IDFromPrivateKey(key)
	const pushID = "/posthorn/test/push/1.0.0"
	got := make(chan []byte, 1)
	c, err := Dial(ctx(t), addr, Options{Key: key, Handlers: map[string]Handler{
		pushID: func(s network.MuxedStream) error {
			b, err := ReadFrame(s, 1<<10)
			got <- b
			return err
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.RemotePeer() != h.ID() {
		t.Fatalf("remote peer %s, want %s", c.RemotePeer(), h.ID())
	}

	s, err := c.NewStream(ctx(t), echoID)
	if err != nil {
		t.Fatal(err)
	}
	msg := bytes.Repeat([]byte("posthorn "), 20000) // several noise frames
	go func() {
		_, _ = s.Write(msg)
		_ = s.CloseWrite()
	}()
	back, err := io.ReadAll(s)
	if err != nil || !bytes.Equal(back, msg) {
		t.Fatalf("echo: %d bytes, err %v; want %d bytes", len(back), err, len(msg))
	}
	s.Close()

	// The host opens a stream to us on the same connection.
	hs, err := h.NewStream(ctx(t), self, pushID)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFrame(hs, []byte("pushed")); err != nil {
		t.Fatal(err)
	}
	hs.Close()
	if b := <-got; string(b) != "pushed" {
		t.Fatalf("pushed %q", b)
	}
	protos, err := h.Peerstore().GetProtocols(self)
	if err != nil || !slices.Contains(protos, pushID) {
		t.Fatalf("host's identify of us: %v, %v; want %s among them", protos, err, pushID)
	}
	res := <-pingHost(t, h, self)
	if res != nil {
		t.Fatalf("host's ping of us: %v", res)
	}

	// A protocol the host does not speak.
	if _, err := c.NewStream(ctx(t), "/nope/1.0.0"); err == nil {
		t.Fatal("unknown protocol selected")
	}
	c.Close()
	<-c.Done()
}

// TestDialWrongPeer: noise refuses a host whose key is not the multiaddr's
// peer id.
func TestDialWrongPeer(t *testing.T) {
	testutil.RequireNetns(t)
	_, addr := newHost(t)
	other, _ := newHost(t)
	i := strings.LastIndex(addr, "/p2p/")
	_, err := Dial(ctx(t), addr[:i]+"/p2p/"+other.ID().String(), Options{})
	if err == nil || !strings.Contains(err.Error(), "noise") {
		t.Fatalf("dial with another peer id: %v", err)
	}
}
