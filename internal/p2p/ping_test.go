//go:build !js

package p2p

import (
	"testing"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
)

// pingHost has h ping id once with go-libp2p's ping service.
func pingHost(t *testing.T, h host.Host, id peer.ID) <-chan error {
	out := make(chan error, 1)
	res := <-ping.Ping(ctx(t), h, id)
	out <- res.Error
	return out
}
