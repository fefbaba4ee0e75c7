//go:build !js

package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// bidiReadLimit bounds one message from the browser; screenshots of a full
// page are the largest.
const bidiReadLimit = 256 << 20

// bidiConn is one WebDriver BiDi session: commands with their replies,
// matched by id, and events handed to a callback on the reader goroutine.
type bidiConn struct {
	ws      *websocket.Conn
	onEvent func(method string, params json.RawMessage)

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan bidiReply
	err     error         // why the connection ended; set once
	done    chan struct{} // closed when the reader has ended
}

// bidiReply is a command's reply: result on success, Error and Message
// otherwise.
type bidiReply struct {
	Result  json.RawMessage
	Error   string
	Message string
}

// bidiMessage is any message from the browser.
type bidiMessage struct {
	Type    string          `json:"type"` // success, error or event
	ID      *int64          `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// dialBiDi connects to the browser's BiDi endpoint (ws://host:port/session)
// and starts reading; onEvent gets every event.
func dialBiDi(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*bidiConn, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(bidiReadLimit)
	c := &bidiConn{ws: ws, onEvent: onEvent, pending: map[int64]chan bidiReply{}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *bidiConn) read() {
	defer close(c.done)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.fail(err)
			return
		}
		var m bidiMessage
		if err := json.Unmarshal(data, &m); err != nil {
			c.fail(fmt.Errorf("undecodable message %s: %w", short(string(data)), err))
			return
		}
		if m.Type == "event" {
			c.onEvent(m.Method, m.Params)
			continue
		}
		if m.ID == nil { // an error about a message the browser could not parse
			c.fail(fmt.Errorf("browser: %s: %s", m.Error, m.Message))
			return
		}
		c.mu.Lock()
		ch := c.pending[*m.ID]
		delete(c.pending, *m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- bidiReply{Result: m.Result, Error: m.Error, Message: m.Message}
		}
	}
}

// fail ends the connection with err; every waiting command gets it.
func (c *bidiConn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	for id, ch := range c.pending {
		ch <- bidiReply{Error: "connection closed", Message: c.err.Error()}
		delete(c.pending, id)
	}
}

// writeTimeout bounds writing one command to the local BiDi socket.
const writeTimeout = 30 * time.Second

// call sends the command method with params and decodes its result into
// out (nil discards it).
func (c *bidiConn) call(ctx context.Context, method string, params, out any) error {
	if params == nil {
		params = struct{}{}
	}
	ch := make(chan bidiReply, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", method, err)
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	msg, err := json.Marshal(struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params"`
	}{id, method, params})
	if err != nil {
		c.forget(id)
		return err
	}
	// websocket closes the whole connection when a Write's context ends
	// mid-write, so the caller's context (a short WaitUntil, say) bounds
	// only the wait for the reply below; the write has its own bound.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	err = c.ws.Write(wctx, websocket.MessageText, msg)
	cancel()
	if err != nil {
		c.forget(id)
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != "" {
			return fmt.Errorf("%s: %s: %s", method, r.Error, r.Message)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(r.Result, out)
	case <-ctx.Done():
		c.forget(id)
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (c *bidiConn) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// close ends the connection and waits for the reader.
func (c *bidiConn) close() {
	c.ws.Close(websocket.StatusNormalClosure, "")
	c.ws.CloseNow()
	<-c.done
	c.fail(errors.New("closed"))
}
