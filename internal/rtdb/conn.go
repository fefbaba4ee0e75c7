package rtdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ws"
)

var errRedirect = errors.New("rtdb: redirected")

// conn is one WebSocket connection of a Client.
type conn struct {
	c   *Client
	ws  *ws.Conn
	ctx context.Context // ends with the connection

	writeMu sync.Mutex
	mu      sync.Mutex
	open    bool
	next    int
	pending map[int]chan reply
}

// reply is a request's answer: status "ok" or an error code, and data.
type reply struct {
	S string          `json:"s"`
	D json.RawMessage `json:"d"`
}

func (cn *conn) isOpen() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.open
}

// request writes {"t":"d","d":{"r":n,"a":action,"b":b}} and, with wait,
// waits for the reply with the same n.
func (cn *conn) request(ctx context.Context, action string, b any, wait bool) error {
	ch := make(chan reply, 1)
	cn.mu.Lock()
	cn.next++
	r := cn.next
	if wait {
		cn.pending[r] = ch
	}
	cn.mu.Unlock()
	defer func() {
		cn.mu.Lock()
		delete(cn.pending, r)
		cn.mu.Unlock()
	}()
	msg, err := json.Marshal(map[string]any{"t": "d", "d": map[string]any{"r": r, "a": action, "b": b}})
	if err != nil {
		return fmt.Errorf("rtdb: encode %s: %w", action, err)
	}
	if err := cn.write(ctx, msg); err != nil {
		return err
	}
	if !wait {
		return nil
	}
	select {
	case rep := <-ch:
		if rep.S != "ok" {
			return fmt.Errorf("rtdb: %s refused: %s %s", action, rep.S, rep.D)
		}
		return nil
	case <-cn.ctx.Done():
		return ErrNotConnected
	case <-ctx.Done():
		return ctx.Err()
	}
}

// write sends msg, split into frames after a frame count if it is long.
func (cn *conn) write(ctx context.Context, msg []byte) error {
	cn.writeMu.Lock()
	defer cn.writeMu.Unlock()
	if len(msg) <= frameSize {
		return cn.ws.Write(ctx, ws.MessageText, msg)
	}
	n := (len(msg) + frameSize - 1) / frameSize
	if err := cn.ws.Write(ctx, ws.MessageText, []byte(strconv.Itoa(n))); err != nil {
		return err
	}
	for len(msg) > 0 {
		k := min(frameSize, len(msg))
		if err := cn.ws.Write(ctx, ws.MessageText, msg[:k]); err != nil {
			return err
		}
		msg = msg[k:]
	}
	return nil
}

func (cn *conn) keepAlive() {
	t := time.NewTicker(keepAlive)
	defer t.Stop()
	for {
		select {
		case <-cn.ctx.Done():
			return
		case <-t.C:
			cn.writeMu.Lock()
			_ = cn.ws.Write(cn.ctx, ws.MessageText, []byte("0"))
			cn.writeMu.Unlock()
		}
	}
}

// read reads messages until the connection fails, reassembling split ones.
func (cn *conn) read() error {
	var buf []byte
	frames := 0 // frames still to come of a split message
	for {
		_, f, err := cn.ws.Read(cn.ctx)
		if err != nil {
			return err
		}
		if frames == 0 {
			if n, ok := frameCount(f); ok {
				frames, buf = n, buf[:0]
				continue
			}
			if err := cn.handle(f); err != nil {
				return err
			}
			continue
		}
		if len(buf)+len(f) > cn.c.opts.MaxMessage {
			return ErrTooLarge
		}
		buf = append(buf, f...)
		if frames--; frames == 0 {
			if err := cn.handle(buf); err != nil {
				return err
			}
			buf = nil
		}
	}
}

// frameCount recognises a frame-count frame: up to 6 digits.
func frameCount(f []byte) (int, bool) {
	if len(f) == 0 || len(f) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(string(f))
	return n, err == nil && n > 0
}

// message is a server message.
type message struct {
	T string `json:"t"`
	D struct {
		// control ("t":"c"): T is h (hello), r (redirect), s (shutdown)...
		T string          `json:"t"`
		D json.RawMessage `json:"d"`
		// data ("t":"d"): a reply (R, B) or a push (A, B)
		R int             `json:"r"`
		A string          `json:"a"`
		B json.RawMessage `json:"b"`
	} `json:"d"`
}

func (cn *conn) handle(raw []byte) error {
	var m message
	if err := json.Unmarshal(raw, &m); err != nil {
		cn.c.log.Debug("ignoring unreadable server message", "err", err)
		return nil
	}
	switch m.T {
	case "c":
		return cn.control(m.D.T, m.D.D)
	case "d":
		if m.D.R != 0 {
			var rep reply
			_ = json.Unmarshal(m.D.B, &rep)
			cn.mu.Lock()
			ch := cn.pending[m.D.R]
			cn.mu.Unlock()
			if ch != nil {
				ch <- rep
			}
			return nil
		}
		cn.push(m.D.A, m.D.B)
	}
	return nil
}

func (cn *conn) control(t string, d json.RawMessage) error {
	switch t {
	case "h": // hello: {"ts":…,"v":"5","h":host,"s":session}
		cn.mu.Lock()
		cn.open = true
		cn.mu.Unlock()
		cn.c.setState(posthorn.RelayOpen, cn)
		cn.c.log.Debug("database connection open")
		if f := cn.c.onConnect; f != nil {
			go f(cn.ctx)
		}
	case "r": // redirect to another host, for this and later connections
		var host string
		if json.Unmarshal(d, &host) != nil || host == "" || strings.ContainsAny(host, "/?#@") {
			return fmt.Errorf("rtdb: bad redirect %s", d)
		}
		cn.c.mu.Lock()
		cn.c.host = host
		cn.c.mu.Unlock()
		cn.c.log.Debug("database redirects", "host", host)
		return errRedirect
	case "s": // shutdown: the reason, e.g. a disabled database
		var reason string
		_ = json.Unmarshal(d, &reason)
		err := fmt.Errorf("rtdb: server shut the connection down: %s", reason)
		cn.c.fail(err)
		return err
	}
	return nil
}

// push dispatches a data push ("d" set, "m" merge) to the listen whose path
// holds it; others (listen revoked, auth and security notices) are logged.
func (cn *conn) push(action string, b json.RawMessage) {
	if action != "d" && action != "m" {
		cn.c.log.Debug("ignoring server notice", "action", action, "body", string(b))
		return
	}
	var p struct {
		P string          `json:"p"`
		D json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return
	}
	path := trim(p.P)
	cn.c.mu.Lock()
	var f func(Event)
	var rel string
	for lp, h := range cn.c.listens {
		if r, ok := under(path, lp); ok {
			f, rel = h, r
			break
		}
	}
	cn.c.mu.Unlock()
	if f != nil {
		f(Event{Path: rel, Data: p.D, Merge: action == "m"})
	}
}

// under returns path relative to base if path is base or below it.
func under(path, base string) (string, bool) {
	switch {
	case base == "":
		return path, true
	case path == base:
		return "", true
	case strings.HasPrefix(path, base+"/"):
		return path[len(base)+1:], true
	}
	return "", false
}
