package chunk

import (
	"sync"

	"github.com/posthorn/posthorn/transfer"
)

// NonceCounter is one action's nonce counter (protocol-0.18 §5.5): it starts at 0
// and advances by one, modulo 2^(8·NonceLen), after each successful send. One
// counter serves all target peers, so a send to several peers uses the same
// nonce for each. The zero value is ready to use and it is safe for
// concurrent use.
type NonceCounter struct {
	mu   sync.Mutex
	next uint32
}

// Encode encodes one send with the current nonce and advances the counter if
// (and only if) Encode succeeds, as JS increments only once the chunks are
// built. Errors are those of Framing.Encode.
func (c *NonceCounter) Encode(f Framing, action string, kind transfer.Kind, data, meta []byte) (*Transmission, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, err := f.Encode(action, c.next, kind, data, meta)
	if err == nil {
		c.next = (c.next + 1) & f.NonceMask()
	}
	return t, err
}

// Next returns the current nonce and advances the counter modulo
// 2^(8·NonceLen) (…, 254, 255, 0, 1 for 0.18).
func (c *NonceCounter) Next(f Framing) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.next & f.NonceMask()
	c.next = (n + 1) & f.NonceMask()
	return n
}

// Peek returns the nonce the next send will use.
func (c *NonceCounter) Peek() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.next
}
