//go:build js && wasm

package peer

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"syscall/js"
)

// channel is the one data channel (protocol-0.18 §4.2), browser build: the
// RTCDataChannel itself, bypassing pion's shim on the data path (the shim
// delivers each message on a new goroutine, which loses order, and allocates
// a JS array per send).
type channel struct {
	v  js.Value
	on handlers

	sendBuf js.Value // reused Uint8Array, sized to the largest message so far
	sendCap int

	pc     js.Value     // the RTCPeerConnection, for maxMessageSize (undefined in unit tests)
	maxMsg atomic.Int64 // maxMessageSize once known
}

var uint8Array = js.Global().Get("Uint8Array")

// send copies b into the reused Uint8Array and sends it (or a subarray view
// of it) as one binary message. RTCDataChannel.send copies synchronously, so
// the buffer can be reused at once.
func (c *channel) send(b []byte) error {
	n := len(b)
	if c.sendBuf.IsUndefined() || n > c.sendCap {
		c.sendBuf = uint8Array.New(n)
		c.sendCap = n
	}
	js.CopyBytesToJS(c.sendBuf, b)
	msg := c.sendBuf
	if n != c.sendCap {
		msg = c.sendBuf.Call("subarray", 0, n)
	}
	_, err := jsCall(c.v, "send", msg)
	return err
}

func (c *channel) bufferedAmount() uint64 {
	return uint64(c.v.Get("bufferedAmount").Float())
}

// maxMessageSize is the RTCPeerConnection's sctp.maxMessageSize, the
// remote's max-message-size bounded by what the browser can send (Chromium:
// 256 KiB; +Infinity means no limit), read once; 0 while the connection has
// no SCTP transport yet.
func (c *channel) maxMessageSize() int {
	if n := c.maxMsg.Load(); n > 0 {
		return int(n)
	}
	if !c.pc.Truthy() {
		return 0
	}
	t := c.pc.Get("sctp")
	if !t.Truthy() {
		return 0
	}
	n := int64(min(t.Get("maxMessageSize").Float(), math.MaxInt32))
	if n > 0 {
		c.maxMsg.Store(n)
	}
	return int(n)
}

func (c *channel) closing() bool { return c.v.Get("readyState").String() == "closing" }

func (c *channel) close() {
	_, _ = jsCall(c.v, "close")
}

// createChannel creates the initiator's channel before the first offer with
// options {} (ordered, reliable, in-band negotiated; protocol-0.18 §4.2).
func (p *Peer) createChannel() error {
	v, err := jsCall(p.pc.JSValue(), "createDataChannel", channelLabel(), jsObject.New())
	if err != nil {
		return err
	}
	p.adopt(v)
	return nil
}

// adopt makes v the peer's channel (later ones are closed, protocol-0.18 §4.2)
// and attaches handlers synchronously, inside the event that announced it, so
// no message can slip past. Messages are copied into Go inside the message
// event and queued in order; nothing here blocks.
func (p *Peer) adopt(v js.Value) {
	ch := &channel{v: v, on: handlers{target: v}}
	if p.pc != nil {
		ch.pc = p.pc.JSValue()
	}
	if !p.setChannel(ch) {
		p.refuse(v)
		return
	}
	// simple-peer's channel settings (protocol-0.18 §4.2).
	v.Set("binaryType", "arraybuffer")
	v.Set("bufferedAmountLowThreshold", maxBufferedAmount)
	ch.on.set("message", func(ev js.Value) {
		data := ev.Get("data")
		if data.Type() == js.TypeString {
			// logs off the callback: logging may block. (Value.Length panics
			// on a string, which took the whole wasm down on a text message.)
			p.textMessage(len(data.String()))
			return
		}
		view := uint8Array.New(data)
		b := rxBuffer(view.Get("byteLength").Int())
		js.CopyBytesToGo(b, view) // the one copy from JS into Go memory
		p.receive(b)
	})
	ch.on.set("open", func(js.Value) { p.ops.Push(p.onChannelOpen) })
	ch.on.set("close", func(js.Value) { p.destroy(nil) })
	ch.on.set("error", func(ev js.Value) {
		msg := "unknown"
		if e := ev.Get("error"); e.Truthy() {
			msg = e.Get("message").String()
		}
		p.destroy(fmt.Errorf("%w: %w", ErrDataChannel, errors.New(msg)))
	})
	ch.on.set("bufferedamountlow", func(js.Value) { p.notifyLow() })
	if v.Get("readyState").String() == "open" {
		p.ops.Push(p.onChannelOpen)
	}
	go p.watchClosing(ch)
}

// rxFree keeps received-message buffers for reuse once OnData's handler has
// returned (recycle): a transfer then copies each chunk from JS into a buffer
// that already exists instead of allocating one per message for the garbage
// collector. It is bounded in count, in buffer size and in bytes, shared by
// all peers.
var rxFree struct {
	sync.Mutex
	bufs  [][]byte
	bytes int // sum of the kept buffers' capacities
}

const (
	rxFreeMax   = 32        // buffers kept
	rxFreeBytes = 2 << 20   // bytes kept
	rxBufMax    = 256 << 10 // larger ones are left to the GC; posthorn sends 256 KiB chunks
	rxBufMin    = 16 << 10  // a chunk of Trystero 0.18 (16 KiB)
)

// rxBuffer returns a buffer of length n, reused when one big enough is free.
func rxBuffer(n int) []byte {
	rxFree.Lock()
	if k := len(rxFree.bufs); k > 0 && cap(rxFree.bufs[k-1]) >= n {
		b := rxFree.bufs[k-1]
		rxFree.bufs[k-1] = nil
		rxFree.bufs = rxFree.bufs[:k-1]
		rxFree.bytes -= cap(b)
		rxFree.Unlock()
		return b[:n]
	}
	rxFree.Unlock()
	return make([]byte, n, max(n, rxBufMin))
}

// recycle takes back a buffer rxBuffer returned, after OnData's handler.
func recycle(b []byte) {
	if cap(b) > rxBufMax {
		return
	}
	rxFree.Lock()
	if len(rxFree.bufs) < rxFreeMax && rxFree.bytes+cap(b) <= rxFreeBytes {
		rxFree.bufs = append(rxFree.bufs, b[:0])
		rxFree.bytes += cap(b)
	}
	rxFree.Unlock()
}

// refuse closes a data channel the remote opened beyond the one the peer
// uses, inside the event that announced it.
func (p *Peer) refuse(v js.Value) {
	_, _ = jsCall(v, "close")
	p.extraChannel(v.Get("label").String())
}
