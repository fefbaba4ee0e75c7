// Package socket keeps one reconnecting WebSocket per relay URL, shared by all
// rooms of a strategy, the way Trystero 0.18 shares one socket per tracker URL
// (protocol-0.18 §7.1). It dials through internal/ws: coder/websocket natively, the
// browser's WebSocket under js/wasm.
package socket

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/ws"
)

var (
	// ErrNotOpen is returned by Send while the socket is (re)connecting.
	ErrNotOpen = errors.New("socket: not open")
	// ErrClosed is returned by Send after Close.
	ErrClosed = errors.New("socket: closed")
)

const (
	// defaultReadLimit bounds one relay message. A tracker announce carries
	// 10 SDP offers (docs/protocol-0.18.md §7.1), a few KiB each.
	defaultReadLimit = 1 << 20
	// dialTimeout bounds one connection attempt.
	dialTimeout = 15 * time.Second
)

// Options configure a Socket. The zero value is valid.
type Options struct {
	// Subprotocols offered in the handshake (MQTT needs "mqtt").
	Subprotocols []string
	// Reconnect is the wait between connection attempts; zero fields mean
	// DefaultReconnect's.
	Reconnect posthorn.ReconnectPolicy
	// ReadLimit bounds one incoming message; 0 means 1 MiB.
	ReadLimit int64
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Socket is a WebSocket to one relay that reconnects until Close. Listeners
// are keyed (by room, typically) so a room can remove its own.
type Socket struct {
	url  string
	opts Options
	log  *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	state     posthorn.RelayState
	conn      *ws.Conn
	onMessage map[string]func([]byte)
	onOpen    map[string]func()
	onError   map[string]func(error)
	writeMu   sync.Mutex
	done      chan struct{}
}

// Dial returns a Socket that connects to url in the background and keeps
// reconnecting until Close.
func Dial(url string, opts *Options) *Socket {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Reconnect = WithDefaults(o.Reconnect, DefaultReconnect)
	if o.ReadLimit <= 0 {
		o.ReadLimit = defaultReadLimit
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Socket{
		url: url, opts: o, log: lazyattrs.With(log, slog.String("relay", url)),
		ctx: ctx, cancel: cancel,
		onMessage: map[string]func([]byte){},
		onOpen:    map[string]func(){},
		onError:   map[string]func(error){},
		done:      make(chan struct{}),
	}
	go s.run()
	return s
}

// URL returns the relay URL.
func (s *Socket) URL() string { return s.url }

// State returns the current ready state.
func (s *Socket) State() posthorn.RelayState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// OnMessage registers f under key for every text or binary message. A later
// call with the same key replaces it.
func (s *Socket) OnMessage(key string, f func([]byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onMessage[key] = f
}

// OnOpen registers f under key; it runs on every (re)connection, and at once
// (in a new goroutine) if the socket is open now, so late joiners can announce.
func (s *Socket) OnOpen(key string, f func()) {
	s.mu.Lock()
	s.onOpen[key] = f
	open := s.state == posthorn.RelayOpen
	s.mu.Unlock()
	if open {
		go f()
	}
}

// OnError registers f under key; it runs with the error of every failed
// connection attempt.
func (s *Socket) OnError(key string, f func(error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onError[key] = f
}

// Remove drops the listeners registered under key.
func (s *Socket) Remove(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.onMessage, key)
	delete(s.onOpen, key)
	delete(s.onError, key)
}

// Send writes one text message. It fails with ErrNotOpen while reconnecting.
func (s *Socket) Send(ctx context.Context, msg []byte) error {
	s.mu.Lock()
	conn, state := s.conn, s.state
	s.mu.Unlock()
	if s.ctx.Err() != nil {
		return ErrClosed
	}
	if state != posthorn.RelayOpen || conn == nil {
		return ErrNotOpen
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return conn.Write(ctx, ws.MessageText, msg)
}

// Close stops reconnecting and closes the connection.
func (s *Socket) Close() {
	s.cancel()
	<-s.done
}

func (s *Socket) setState(st posthorn.RelayState, conn *ws.Conn) {
	s.mu.Lock()
	s.state, s.conn = st, conn
	s.mu.Unlock()
}

func (s *Socket) run() {
	defer close(s.done)
	defer s.setState(posthorn.RelayClosed, nil)
	b := Backoff{Policy: s.opts.Reconnect}
	for {
		s.setState(posthorn.RelayConnecting, nil)
		if s.connectAndRead() {
			b.Reset() // once a connection opened (docs/protocol-0.18.md §7.1)
		}
		if s.ctx.Err() != nil {
			return
		}
		s.setState(posthorn.RelayClosed, nil)
		if resumed := Paused(); resumed != nil {
			s.log.Debug("relay socket closed; reconnection paused")
			select {
			case <-resumed:
				continue // at once, as Trystero's resume
			case <-s.ctx.Done():
				return
			}
		}
		wait := b.Next()
		s.log.Debug("relay socket closed; reconnecting", "in", wait)
		select {
		case <-time.After(wait):
		case <-s.ctx.Done():
			return
		}
	}
}

// connectAndRead dials once and reads until the connection ends. It reports
// whether the connection opened.
func (s *Socket) connectAndRead() bool {
	dctx, cancel := context.WithTimeout(s.ctx, dialTimeout)
	conn, err := ws.Dial(dctx, s.url, s.opts.Subprotocols)
	cancel()
	if err != nil {
		if s.ctx.Err() == nil {
			s.log.Warn("relay connection failed", "err", err)
			s.mu.Lock()
			fs := make([]func(error), 0, len(s.onError))
			for _, f := range s.onError {
				fs = append(fs, f)
			}
			s.mu.Unlock()
			for _, f := range fs {
				f(err)
			}
		}
		return false
	}
	conn.SetReadLimit(s.opts.ReadLimit)
	s.setState(posthorn.RelayOpen, conn)
	s.log.Debug("relay socket open")
	s.mu.Lock()
	opens := make([]func(), 0, len(s.onOpen))
	for _, f := range s.onOpen {
		opens = append(opens, f)
	}
	s.mu.Unlock()
	for _, f := range opens {
		go f()
	}
	for {
		_, msg, err := conn.Read(s.ctx)
		if err != nil {
			s.setState(posthorn.RelayClosing, nil)
			conn.Close(ws.StatusNormalClosure, "")
			if s.ctx.Err() == nil {
				s.log.Info("relay connection lost", "err", err)
			}
			return true
		}
		s.mu.Lock()
		handlers := make([]func([]byte), 0, len(s.onMessage))
		for _, f := range s.onMessage {
			handlers = append(handlers, f)
		}
		s.mu.Unlock()
		for _, f := range handlers {
			f(msg)
		}
	}
}
