//go:build !js

package peer

import (
	"net"

	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// udpSocketBuffer is the kernel receive and send buffer asked for each ICE
// UDP socket (a local setting with no wire effect). Linux's default
// (net.core.rmem_default, 208 KiB) holds only about 90 full SCTP packets
// (pion sends 1191-byte SCTP packets, each costing ~2.3 KiB of socket
// memory), so a window larger than ~200 KiB in flight overflows it when the
// reader falls behind for a moment; the dropped packets then halve SCTP's
// congestion window. The kernel caps the request at net.core.rmem_max /
// wmem_max, so on a host that keeps the small default this changes nothing.
const udpSocketBuffer = 4 << 20

// bufferedNet is pion's standard network with larger socket buffers on the
// UDP sockets it opens. Interfaces are listed afresh on every call, as with
// pion's own default (a new stdnet per ICE agent), so a long-lived process
// sees interface changes.
type bufferedNet struct{ *stdnet.Net }

var _ transport.Net = bufferedNet{}

func newBufferedNet() bufferedNet { return bufferedNet{&stdnet.Net{}} }

func (bufferedNet) fresh() (*stdnet.Net, error) { return stdnet.NewNet() }

func (n bufferedNet) Interfaces() ([]*transport.Interface, error) {
	s, err := n.fresh()
	if err != nil {
		return nil, err
	}
	return s.Interfaces()
}

func (n bufferedNet) InterfaceByIndex(index int) (*transport.Interface, error) {
	s, err := n.fresh()
	if err != nil {
		return nil, err
	}
	return s.InterfaceByIndex(index)
}

func (n bufferedNet) InterfaceByName(name string) (*transport.Interface, error) {
	s, err := n.fresh()
	if err != nil {
		return nil, err
	}
	return s.InterfaceByName(name)
}

func (n bufferedNet) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.ListenUDP(network, laddr)
	if err == nil {
		growBuffers(c)
	}
	return c, err
}

func (n bufferedNet) DialUDP(network string, laddr, raddr *net.UDPAddr) (transport.UDPConn, error) {
	c, err := n.Net.DialUDP(network, laddr, raddr)
	if err == nil {
		growBuffers(c)
	}
	return c, err
}

func (n bufferedNet) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.Net.ListenPacket(network, address)
	if err == nil {
		growBuffers(c)
	}
	return c, err
}

// growBuffers asks for udpSocketBuffer in both directions; a refusal keeps
// the system default, which works, only slower.
func growBuffers(c any) {
	if r, ok := c.(interface{ SetReadBuffer(int) error }); ok {
		_ = r.SetReadBuffer(udpSocketBuffer)
	}
	if w, ok := c.(interface{ SetWriteBuffer(int) error }); ok {
		_ = w.SetWriteBuffer(udpSocketBuffer)
	}
}
