package peer

// maxExtraChannels is how many data channels beyond the one a peer uses
// (protocol-0.18 §4.2) the remote may open before the peer is destroyed with
// ErrExtraChannels. Each is closed as it arrives; no Trystero peer opens
// any, so the bound only stops a remote that keeps the connection busy
// opening them.
const maxExtraChannels = 16

// extraChannel accounts for one data channel the remote opened beyond the
// one this peer uses; the caller has already closed it. The first is
// logged, and the peer is destroyed once there were more than
// maxExtraChannels: one log line per peer, however many arrive.
func (p *Peer) extraChannel(label string) {
	p.mu.Lock()
	p.extras++
	n, allowed := p.extras, p.extrasAllowed
	p.mu.Unlock()
	switch {
	case n == 1:
		p.ops.Push(func() {
			p.log.Warn("peer: closed a data channel opened by the remote side; a peer uses one", "label", label)
		})
	case n == allowed+1:
		p.destroy(ErrExtraChannels)
	}
}

// textMessage drops a text message: Trystero traffic is binary only, and JS
// turns a text message into empty bytes that fail the action lookup
// (protocol-0.18 §4.2). The first one is logged; the rest are dropped
// silently, so a remote cannot make the peer write a line per message.
func (p *Peer) textMessage(n int) {
	p.mu.Lock()
	p.texts++
	first := p.texts == 1
	p.mu.Unlock()
	if first {
		p.ops.Push(func() {
			p.log.Warn("peer: dropping text messages; Trystero traffic is binary only (logged once)", "len", n)
		})
	}
}
