package rtdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/ws"
)

var (
	// ErrNotConnected is returned by requests while the client is
	// (re)connecting.
	ErrNotConnected = errors.New("rtdb: not connected")
	// ErrClosed is returned by requests after Close.
	ErrClosed = errors.New("rtdb: client closed")
	// ErrTooLarge drops a connection whose server sent a message over
	// Options.MaxMessage bytes.
	ErrTooLarge = errors.New("rtdb: server message too large")
)

// DefaultReconnect is the client's reconnect policy: the SDKs' first wait
// of 1 s, doubling up to 30 s, ±25%.
var DefaultReconnect = posthorn.ReconnectPolicy{Wait: time.Second, MaxWait: 30 * time.Second, Jitter: 0.25}

const (
	// frameSize is the protocol's largest frame; longer messages are split
	// after a frame that holds their frame count.
	frameSize = 16384
	// keepAlive is how often an idle-proof "0" frame goes out (the SDKs'
	// 45 s).
	keepAlive = 45 * time.Second
	// dialTimeout bounds the WebSocket handshake and the server's hello.
	dialTimeout = 20 * time.Second
	// defaultMaxMessage bounds one reassembled server message.
	defaultMaxMessage = 8 << 20
)

// Options configure a Client; the zero value is valid.
type Options struct {
	// Reconnect: zero fields take DefaultReconnect's.
	Reconnect posthorn.ReconnectPolicy
	// Logger; nil means slog.Default().
	Logger *slog.Logger
	// MaxMessage bounds one server message (a listen's snapshot is one);
	// 0 means 8 MiB. A larger one drops the connection.
	MaxMessage int
}

// Event is a change under a listened path: Data replaces the value at
// Path (relative to the listened path, "" for the path itself; null
// removes it), or with Merge, Data is an object whose members (relative
// paths) each replace the value there.
type Event struct {
	Path  string
	Data  json.RawMessage
	Merge bool
}

// Client keeps one connection to a database and reconnects until Close.
type Client struct {
	db   DatabaseURL
	url  string
	opts Options
	log  *slog.Logger

	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	started atomic.Bool

	mu        sync.Mutex
	state     posthorn.RelayState
	cur       *conn
	host      string // a redirect's host, for the next connections
	onConnect func(context.Context)
	onError   func(error)
	listens   map[string]func(Event)
}

// New returns a Client for the database at dbURL; it connects once Start
// is called.
func New(dbURL string, opts Options) (*Client, error) {
	db, err := ParseURL(dbURL)
	if err != nil {
		return nil, err
	}
	opts.Reconnect = socket.WithDefaults(opts.Reconnect, DefaultReconnect)
	if opts.MaxMessage <= 0 {
		opts.MaxMessage = defaultMaxMessage
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Client{
		db: db, url: dbURL, opts: opts, log: lazyattrs.With(log, slog.String("database", dbURL)),
		ctx: ctx, cancel: cancel, done: make(chan struct{}),
		listens: map[string]func(Event){},
	}, nil
}

// URL is the database URL the client was made with.
func (c *Client) URL() string { return c.url }

// State is the connection's state: open once the server said hello.
func (c *Client) State() posthorn.RelayState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// OnConnect sets f, run in a new goroutine after every (re)connection;
// ctx ends with that connection. Set it before Start.
func (c *Client) OnConnect(f func(ctx context.Context)) { c.onConnect = f }

// OnError sets f, run with the reason of every failed connection attempt
// or server shutdown. Set it before Start.
func (c *Client) OnError(f func(error)) { c.onError = f }

// Start connects in the background; later calls do nothing.
func (c *Client) Start() {
	if c.started.CompareAndSwap(false, true) {
		go c.run()
	}
}

// Close stops reconnecting and closes the connection, which makes the
// server run our onDisconnect writes; it returns once the connection ended.
func (c *Client) Close() {
	c.cancel()
	if !c.started.CompareAndSwap(false, true) {
		<-c.done
	}
}

// Put sets the value at path to v (nil removes it) and waits for the
// server's acknowledgement.
func (c *Client) Put(ctx context.Context, path string, v any) error {
	return c.request(ctx, "p", body(path, v), true)
}

// PutNoWait sends the put without waiting for the acknowledgement; a
// listen handler can call it.
func (c *Client) PutNoWait(ctx context.Context, path string, v any) error {
	return c.request(ctx, "p", body(path, v), false)
}

// OnDisconnectPut has the server set path to v (nil removes it) when this
// connection ends, however it ends; it waits for the acknowledgement.
func (c *Client) OnDisconnectPut(ctx context.Context, path string, v any) error {
	return c.request(ctx, "o", body(path, v), true)
}

// Listen sends f the data at path now (one Event with Path "") and every
// change under it, on this connection; waits for the acknowledgement. f
// runs on the read loop: it must not wait for a request's answer.
func (c *Client) Listen(ctx context.Context, path string, f func(Event)) error {
	path = trim(path)
	c.mu.Lock()
	c.listens[path] = f
	c.mu.Unlock()
	return c.request(ctx, "q", map[string]any{"p": "/" + path, "h": ""}, true)
}

// Unlisten stops the listen on path.
func (c *Client) Unlisten(ctx context.Context, path string) error {
	path = trim(path)
	c.mu.Lock()
	delete(c.listens, path)
	c.mu.Unlock()
	return c.request(ctx, "n", map[string]any{"p": "/" + path}, true)
}

func body(path string, v any) map[string]any {
	return map[string]any{"p": "/" + trim(path), "d": v}
}

func trim(path string) string { return strings.Trim(path, "/") }

// request sends one request on the current connection and, with wait,
// returns the server's verdict.
func (c *Client) request(ctx context.Context, action string, b any, wait bool) error {
	if c.ctx.Err() != nil {
		return ErrClosed
	}
	c.mu.Lock()
	cn := c.cur
	c.mu.Unlock()
	if cn == nil {
		return ErrNotConnected
	}
	return cn.request(ctx, action, b, wait)
}

func (c *Client) setState(st posthorn.RelayState, cn *conn) {
	c.mu.Lock()
	c.state, c.cur = st, cn
	c.mu.Unlock()
}

func (c *Client) fail(err error) {
	if c.ctx.Err() != nil {
		return
	}
	c.log.Warn("database connection failed", "err", err)
	if c.onError != nil {
		c.onError(err)
	}
}

func (c *Client) run() {
	defer close(c.done)
	defer c.setState(posthorn.RelayClosed, nil)
	b := socket.Backoff{Policy: c.opts.Reconnect}
	for {
		c.setState(posthorn.RelayConnecting, nil)
		opened, redirected := c.connectOnce()
		if opened {
			b.Reset()
		}
		if c.ctx.Err() != nil {
			return
		}
		c.setState(posthorn.RelayClosed, nil)
		if redirected {
			continue
		}
		wait := b.Next()
		c.log.Debug("database connection closed; reconnecting", "in", wait)
		select {
		case <-time.After(wait):
		case <-c.ctx.Done():
			return
		}
	}
}

// connectOnce dials, reads until the connection ends, and reports whether
// the server said hello and whether it redirected us.
func (c *Client) connectOnce() (opened, redirected bool) {
	c.mu.Lock()
	host := c.host
	c.mu.Unlock()
	dctx, cancel := context.WithTimeout(c.ctx, dialTimeout)
	wsc, err := ws.Dial(dctx, c.db.WebSocketURL(host), nil)
	cancel()
	if err != nil {
		c.fail(err)
		return false, false
	}
	wsc.SetReadLimit(4*frameSize + 1024) // 16384 characters of up to 4 bytes
	cctx, ccancel := context.WithCancel(c.ctx)
	cn := &conn{c: c, ws: wsc, ctx: cctx, pending: map[int]chan reply{}}
	defer func() {
		ccancel()
		wsc.Close(ws.StatusNormalClosure, "")
	}()
	hello := time.AfterFunc(dialTimeout, func() {
		if !cn.isOpen() {
			ccancel()
		}
	})
	defer hello.Stop()
	go cn.keepAlive()
	err = cn.read()
	opened = cn.isOpen()
	switch {
	case errors.Is(err, errRedirect):
		return opened, true
	case c.ctx.Err() != nil:
	case !opened:
		c.fail(fmt.Errorf("no hello from server: %w", err))
	default:
		c.log.Info("database connection lost", "err", err)
	}
	return opened, false
}
