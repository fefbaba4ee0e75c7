//go:build !js

package p2p

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestDial: a go-libp2p host authenticates our ed25519 identity, echoes on
// a stream we open, and opens streams to us that our handler serves; its
// identify learns our protocols.
func TestDial(t *testing.T) {
	testutil.RequireNetns(t)
	h, addr := newHost(t)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	lk, err := crypto.UnmarshalEd25519PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := peer.IDFromPrivateKey(lk) // go-libp2p's reading of our key
	if got := IDFromKey(key.Public().(ed25519.PublicKey)); string(got) != string(self) {
		t.Fatalf("IDFromKey = %s, go-libp2p says %s", got, self)
	}
	const pushID = "/posthorn/test/push/1.0.0"
	got := make(chan []byte, 1)
	c, err := Dial(ctx(t), addr, Options{Key: key, Handlers: map[string]Handler{
		pushID: func(s Stream) error {
			b, err := ReadFrame(s, 1<<10)
			got <- b
			return err
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if string(c.RemotePeer()) != string(h.ID()) {
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

// TestDialSecp256k1: a host with a secp256k1 identity, as nwaku nodes
// have, is authenticated too.
func TestDialSecp256k1(t *testing.T) {
	testutil.RequireNetns(t)
	k, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h, addr := newHost(t, libp2p.Identity(k))
	c, err := Dial(ctx(t), addr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if string(c.RemotePeer()) != string(h.ID()) {
		t.Fatalf("remote peer %s, want %s", c.RemotePeer(), h.ID())
	}
	s, err := c.NewStream(ctx(t), echoID)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = s.Write([]byte("k1"))
		_ = s.CloseWrite()
	}()
	if back, err := io.ReadAll(s); err != nil || string(back) != "k1" {
		t.Fatalf("echo: %q, %v", back, err)
	}
	s.Close()
}
