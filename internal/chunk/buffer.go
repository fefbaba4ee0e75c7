package chunk

import "sync"

// blockSize is the unit in which large transmissions are buffered. Up to one
// block, a transmission's bytes live in one slice grown by doubling; beyond
// that they go into pooled blocks and are copied once, into a slice of
// exactly the right size, when the last chunk arrives. A 32 MiB file thus
// costs one 32 MiB allocation instead of a chain of doublings ending in a
// 64 MiB buffer.
const blockSize = 1 << 20

var blockPool = sync.Pool{New: func() any {
	b := make([]byte, blockSize)
	return &b
}}

// payloadBuffer accumulates the data payloads of one transmission.
type payloadBuffer struct {
	head   []byte    // the first ≤ blockSize bytes
	blocks []*[]byte // then full blocks; the last one holds tail bytes
	tail   int
	n      int // total bytes
}

func (b *payloadBuffer) append(p []byte) {
	b.n += len(p)
	if len(b.blocks) == 0 && len(b.head) < blockSize {
		room := min(len(p), blockSize-len(b.head))
		b.head = appendGrow(b.head, p[:room], blockSize)
		p = p[room:]
	}
	for len(p) > 0 {
		if len(b.blocks) == 0 || b.tail == blockSize {
			b.blocks = append(b.blocks, blockPool.Get().(*[]byte))
			b.tail = 0
		}
		last := *b.blocks[len(b.blocks)-1]
		k := copy(last[b.tail:], p)
		b.tail += k
		p = p[k:]
	}
}

// bytes returns the accumulated data as one slice and releases the blocks;
// the buffer must not be used afterwards.
func (b *payloadBuffer) bytes() []byte {
	if len(b.blocks) == 0 {
		if b.head == nil {
			return []byte{}
		}
		return b.head
	}
	out := make([]byte, 0, b.n)
	out = append(out, b.head...)
	for i, blk := range b.blocks {
		if i == len(b.blocks)-1 {
			out = append(out, (*blk)[:b.tail]...)
		} else {
			out = append(out, *blk...)
		}
	}
	b.release()
	return out
}

// release returns the blocks to the pool.
func (b *payloadBuffer) release() {
	for _, blk := range b.blocks {
		blockPool.Put(blk)
	}
	b.blocks, b.head, b.tail, b.n = nil, nil, 0, 0
}

// appendGrow appends src to dst, doubling the capacity when it must grow (not
// beyond limit unless the result needs it).
func appendGrow(dst, src []byte, limit int) []byte {
	if cap(dst)-len(dst) >= len(src) {
		return append(dst, src...)
	}
	need := len(dst) + len(src)
	newCap := max(min(2*cap(dst), limit), need)
	nb := make([]byte, len(dst), newCap)
	copy(nb, dst)
	return append(nb, src...)
}
