//go:build !js

package peer

import (
	"fmt"

	"github.com/pion/webrtc/v4"
)

// channel is the one data channel (protocol-0.18 §4.2), native build: pion's
// SCTP data channel.
type channel struct {
	dc   *webrtc.DataChannel
	sctp *webrtc.SCTPTransport // for the congestion window (highWater)
}

// send writes b as one binary message (pion copies it into SCTP chunks).
func (c *channel) send(b []byte) error { return c.dc.Send(b) }

func (c *channel) bufferedAmount() uint64 { return c.dc.BufferedAmount() }

// maxMessageSize is the remote's max-message-size as pion's SCTP association
// applies it (65535 when the remote SDP has none), 0 before the association.
func (c *channel) maxMessageSize() int {
	return int(c.sctp.GetCapabilities().MaxMessageSize)
}

func (c *channel) closing() bool { return c.dc.ReadyState() == webrtc.DataChannelStateClosing }

func (c *channel) close() { _ = c.dc.Close() }

// createChannel creates the initiator's channel before the first offer with
// options {} (ordered, reliable, in-band negotiated; protocol-0.18 §4.2).
func (p *Peer) createChannel() error {
	dc, err := p.pc.CreateDataChannel(channelLabel(), &webrtc.DataChannelInit{})
	if err != nil {
		return err
	}
	p.adopt(dc)
	return nil
}

// adopt makes dc the peer's channel and wires its events; later channels are
// closed (a Go peer keeps exactly one, protocol-0.18 §4.2). It runs inside pion's
// ondatachannel callback, before pion starts reading the channel.
func (p *Peer) adopt(dc *webrtc.DataChannel) {
	ch := &channel{dc: dc, sctp: p.pc.SCTP()}
	if !p.setChannel(ch) {
		p.refuse(dc)
		return
	}
	dc.SetBufferedAmountLowThreshold(maxBufferedAmount)
	dc.OnBufferedAmountLow(p.notifyLow)
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		if m.IsString {
			p.textMessage(len(m.Data))
			return
		}
		p.receive(m.Data) // pion hands over a fresh copy
		p.data.Wait(inboxLimit)
	})
	dc.OnOpen(func() { p.ops.Push(p.onChannelOpen) })
	dc.OnClose(func() { p.destroy(nil) })
	dc.OnError(func(err error) { p.destroy(fmt.Errorf("%w: %v", ErrDataChannel, err)) })
	go p.watchClosing(ch)
}

// recycle does nothing natively: pion hands every message over in a fresh
// slice (see the browser twin).
func recycle([]byte) {}

// refuse closes a data channel the remote opened beyond the one the peer
// uses. Closed inside pion's ondatachannel callback, before pion opens it,
// the channel never gets a read loop or a read buffer: its stream is reset
// at once.
func (p *Peer) refuse(dc *webrtc.DataChannel) {
	_ = dc.Close()
	p.extraChannel(dc.Label())
}
