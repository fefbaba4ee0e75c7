//go:build js

package ws

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"syscall/js"
	"time"
)

// MessageType is the type of a WebSocket data message.
type MessageType int

// StatusCode is a WebSocket close code.
type StatusCode int

// Message types and close codes.
const (
	MessageText   MessageType = 1
	MessageBinary MessageType = 2

	StatusNormalClosure StatusCode = 1000
	// statusNoStatus is what the browser reports for a close frame without
	// a code; statusAbnormal for a connection lost without one.
	statusNoStatus StatusCode = 1005
	statusAbnormal StatusCode = 1006
)

const (
	// defaultReadLimit bounds one message until SetReadLimit, as
	// coder/websocket's default does.
	defaultReadLimit = 32 << 10
	// minQueueBytes is the least the receive queue holds; it holds at least
	// four messages of the read limit.
	minQueueBytes = 4 << 20
	// sendHighWater is how much the browser may buffer unsent before Write
	// waits; sendPoll is how often it looks again (WebSocket has no event
	// for a draining buffer).
	sendHighWater = 1 << 20
	sendPoll      = 5 * time.Millisecond
	// closeWait bounds Close's wait for the closing handshake.
	closeWait = 5 * time.Second
)

var (
	errTooBig      = errors.New("ws: message larger than the read limit")
	errQueueFull   = errors.New("ws: receive queue full: messages arrive faster than they are read")
	errClosedLocal = errors.New("ws: connection closed")
	errDialFailed  = errors.New("ws: connection failed before it opened")
	uint8Array     = js.Global().Get("Uint8Array")
	webSocket      = js.Global().Get("WebSocket")
)

// CloseError is the close frame that ended a connection.
type CloseError struct {
	Code   StatusCode
	Reason string
}

func (e CloseError) Error() string {
	return "ws: closed with status " + strconv.Itoa(int(e.Code)) + " and reason " + strconv.Quote(e.Reason)
}

type message struct {
	typ  MessageType
	data []byte
}

// Conn is one browser WebSocket. Its event handlers only copy and enqueue
// (a js.FuncOf callback must not block); Read takes from that queue, which
// is bounded in bytes.
type Conn struct {
	ws       js.Value
	handlers []js.Func

	mu     sync.Mutex
	limit  int64
	queue  []message
	queued int   // bytes in queue
	err    error // why the connection ended; set once
	notify chan struct{}
	opened chan struct{}
	failed chan struct{} // closed by the first error event
	closed chan struct{} // closed by the close event
}

// Dial opens a WebSocket to url offering subprotocols; ctx bounds the
// handshake.
func Dial(ctx context.Context, url string, subprotocols []string) (c *Conn, err error) {
	if webSocket.IsUndefined() {
		return nil, errors.New("ws: this JavaScript runtime has no WebSocket")
	}
	protos := make([]any, len(subprotocols))
	for i, p := range subprotocols {
		protos[i] = p
	}
	c = &Conn{limit: defaultReadLimit, notify: make(chan struct{}, 1),
		opened: make(chan struct{}), failed: make(chan struct{}), closed: make(chan struct{})}
	if err := c.open(url, protos); err != nil {
		return nil, err
	}
	select {
	case <-c.opened:
		return c, nil
	case <-c.closed:
		return nil, fmt.Errorf("%w: %w", errDialFailed, c.cause(nil))
	case <-c.failed:
		// Browsers follow the error event with a close event; Node 20's
		// WebSocket, after a refused connection, does not.
		c.CloseNow()
		return nil, errDialFailed
	case <-ctx.Done():
		c.CloseNow()
		return nil, ctx.Err()
	}
}

// open constructs the WebSocket and installs its handlers; a constructor
// exception (a malformed URL, say) is the error.
func (c *Conn) open(url string, protos []any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			jerr, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			err = jerr
		}
	}()
	c.ws = webSocket.New(url, protos)
	c.ws.Set("binaryType", "arraybuffer")
	c.on("open", func(js.Value) { close(c.opened) })
	c.on("message", c.onMessage)
	c.on("error", c.onError)
	c.on("close", c.onClose)
	return nil
}

func (c *Conn) on(event string, f func(js.Value)) {
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		f(args[0])
		return nil
	})
	c.ws.Set("on"+event, fn)
	c.handlers = append(c.handlers, fn)
}

// onMessage copies one message into the queue, or fails the connection if
// it is over the read limit or the queue is full. It must not block.
func (c *Conn) onMessage(ev js.Value) {
	d := ev.Get("data")
	var m message
	if d.Type() == js.TypeString {
		m = message{MessageText, []byte(d.String())}
	} else {
		n := d.Get("byteLength").Int()
		c.mu.Lock()
		over := int64(n) > c.limit
		c.mu.Unlock()
		if over {
			c.fail(errTooBig)
			return
		}
		m = message{MessageBinary, make([]byte, n)}
		js.CopyBytesToGo(m.data, uint8Array.New(d))
	}
	c.mu.Lock()
	switch {
	case c.err != nil:
		c.mu.Unlock()
		return
	case int64(len(m.data)) > c.limit:
		c.mu.Unlock()
		c.fail(errTooBig)
		return
	case int64(c.queued+len(m.data)) > max(minQueueBytes, 4*c.limit):
		c.mu.Unlock()
		c.fail(errQueueFull)
		return
	}
	c.queue = append(c.queue, m)
	c.queued += len(m.data)
	c.mu.Unlock()
	c.wake()
}

// onError ends the connection for its reader; the browser gives no
// reason.
func (c *Conn) onError(js.Value) {
	c.setErr(errors.New("ws: connection error"))
	select {
	case <-c.failed:
	default:
		close(c.failed)
	}
	c.wake()
}

// onClose records the close code and reason, detaches and releases the
// handlers (no event follows a close event).
func (c *Conn) onClose(ev js.Value) {
	code := StatusCode(ev.Get("code").Int())
	c.setErr(CloseError{Code: code, Reason: ev.Get("reason").String()})
	for _, name := range []string{"open", "message", "error", "close"} {
		c.ws.Set("on"+name, js.Null())
	}
	for _, fn := range c.handlers {
		fn.Release()
	}
	close(c.closed)
	c.wake()
}

func (c *Conn) wake() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// setErr records why the connection ended, if nothing has yet.
func (c *Conn) setErr(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
		c.queue, c.queued = nil, 0
	}
	c.mu.Unlock()
}

// cause returns the recorded error, or def.
func (c *Conn) cause(def error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	return def
}

// fail ends the connection with err: a normal close toward the relay (a
// script may only send 1000 or 3000–4999), err for the reader.
func (c *Conn) fail(err error) {
	c.setErr(err)
	c.wake()
	c.ws.Call("close", int(StatusNormalClosure))
}

// SetReadLimit bounds one incoming message to n bytes; a longer one ends the
// connection.
func (c *Conn) SetReadLimit(n int64) {
	c.mu.Lock()
	c.limit = n
	c.mu.Unlock()
}

// Read returns the next message. ctx ending closes the connection, as
// coder/websocket's Read does.
func (c *Conn) Read(ctx context.Context) (MessageType, []byte, error) {
	m, err := c.next(ctx.Done())
	if err == errInterrupted {
		c.CloseNow()
		return 0, nil, ctx.Err()
	}
	return m.typ, m.data, err
}

var errInterrupted = errors.New("ws: read interrupted")

// next waits for the next message until stop closes (errInterrupted).
func (c *Conn) next(stop <-chan struct{}) (message, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			m := c.queue[0]
			c.queue[0] = message{}
			c.queue = c.queue[1:]
			c.queued -= len(m.data)
			more := len(c.queue) > 0
			c.mu.Unlock()
			if more {
				c.wake()
			}
			return m, nil
		}
		err := c.err
		c.mu.Unlock()
		if err != nil {
			c.wake() // for another reader
			return message{}, err
		}
		select {
		case <-c.notify:
		case <-stop:
			return message{}, errInterrupted
		}
	}
}

// Write sends one message. While the browser holds more than 1 MiB unsent it
// waits for it to drain, until ctx ends.
func (c *Conn) Write(ctx context.Context, typ MessageType, p []byte) error {
	return c.write(ctx.Done(), ctx.Err, typ, p)
}

func (c *Conn) write(stop <-chan struct{}, stopErr func() error, typ MessageType, p []byte) error {
	for {
		if err := c.cause(nil); err != nil {
			return err
		}
		if c.ws.Get("bufferedAmount").Int() <= sendHighWater {
			break
		}
		t := time.NewTimer(sendPoll)
		select {
		case <-t.C:
		case <-c.closed:
			t.Stop()
		case <-stop:
			t.Stop()
			return stopErr()
		}
	}
	if typ == MessageText {
		c.ws.Call("send", string(p))
		return nil
	}
	u := uint8Array.New(len(p))
	js.CopyBytesToJS(u, p)
	c.ws.Call("send", u)
	return nil
}

// Close sends a close frame with code and reason and waits up to 5 s for
// the relay's. A script may only send 1000 or 3000–4999; other codes go out
// as 1000.
func (c *Conn) Close(code StatusCode, reason string) error {
	if code != StatusNormalClosure && (code < 3000 || code > 4999) {
		code = StatusNormalClosure
	}
	c.setErr(errClosedLocal)
	c.wake()
	c.ws.Call("close", int(code), reason)
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-c.closed:
		return nil
	case <-t.C:
		return errors.New("ws: no close frame from the relay within 5 s")
	}
}

// CloseNow closes the connection without waiting for the relay.
func (c *Conn) CloseNow() error {
	c.setErr(errClosedLocal)
	c.wake()
	c.ws.Call("close")
	return nil
}
