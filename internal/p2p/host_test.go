//go:build !js

package p2p

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	mplex "github.com/libp2p/go-libp2p-mplex"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
)

// echoID is the test host's echo protocol.
const echoID = "/posthorn/test/echo/1.0.0"

// newHost starts a plain go-libp2p host, as a Waku service node is one:
// WebSocket on loopback, noise, mplex only, and an echo protocol. It
// returns the host and its /ws multiaddr with /p2p/<id>. opts add to or
// override these (libp2p.Identity for another key type).
func newHost(t *testing.T, opts ...libp2p.Option) (host.Host, string) {
	t.Helper()
	h, err := libp2p.New(append([]libp2p.Option{
		libp2p.Transport(websocket.New),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(mplex.ID, mplex.DefaultTransport),
		libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0/ws"),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	h.SetStreamHandler(echoID, func(s network.Stream) {
		defer s.Close()
		_, _ = io.Copy(s, s)
	})
	return h, h.Addrs()[0].String() + "/p2p/" + h.ID().String()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}
