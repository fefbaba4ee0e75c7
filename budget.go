package posthorn

// drop disconnects c because the peer went over its receive budget
// (transfer.Limits), with one log line: its partial messages are freed at
// once, what it still delivers is ignored, and its close makes the peer
// leave as any close does.
func (r *Room) drop(c *conn, err error) {
	c.dropOnce.Do(func() {
		r.log.Warn("room: disconnecting a peer over its receive budget", "peer", c.id, "err", err)
		c.cancel()
		c.reasm.Reset()
		go func() { _ = c.p.Close() }() // natively Close waits for the teardown
	})
}

// largestHolder returns the connection whose partial messages hold the most
// of the room's budget, or nil if there is none.
func (r *Room) largestHolder() *conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	var big *conn
	var most int64
	for _, rem := range r.peers {
		for _, c := range rem.conns {
			if n := c.reasm.Buffered(); big == nil || n > most {
				big, most = c, n
			}
		}
	}
	return big
}
