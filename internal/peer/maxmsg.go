package peer

// MaxMessageSize is the largest data-channel message the remote accepts: the
// a=max-message-size of its SDP (RFC 8841 §6), as the local WebRTC stack
// applies it. It is 0 while unknown, before the data channel opens. A sender
// must not send a larger message: the browser's send throws, pion's fails.
func (p *Peer) MaxMessageSize() int {
	select {
	case <-p.open:
	default:
		return 0
	}
	ch := p.channel()
	if ch == nil {
		return 0
	}
	return ch.maxMessageSize()
}
