package p2p

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	mss "github.com/multiformats/go-multistream"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/ws"
	"github.com/posthorn/posthorn/internal/ws/wsnet"
)

// Protocol ids of the connection's layers.
const (
	noiseID = "/noise"
	mplexID = "/mplex/6.7.0"
)

const (
	// readLimit bounds one WebSocket message: go-libp2p and js-libp2p
	// write one noise frame (at most 65535 bytes plus its 2-byte length)
	// per message.
	readLimit = 1 << 17
	// maxInbound bounds the inbound streams being served at once; more are
	// reset.
	maxInbound = 64
	// inboundTimeout bounds one inbound stream: negotiation and handler.
	inboundTimeout = 30 * time.Second
)

// Stream is one mplex stream, after its protocol was selected.
type Stream interface {
	io.ReadWriteCloser
	// CloseWrite half-closes the stream: the peer reads EOF.
	CloseWrite() error
	// Reset aborts the stream in both directions.
	Reset() error
	SetDeadline(time.Time) error
}

// Handler serves one inbound stream of its protocol. The stream is closed
// after it returns nil and reset after it returns an error.
type Handler func(s Stream) error

// Options configure Dial.
type Options struct {
	// Key is our identity; nil means a fresh ed25519 key.
	Key ed25519.PrivateKey
	// Handlers serve the inbound streams of their protocol ids (identify
	// and ping are always served).
	Handlers map[string]Handler
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Conn is one secured, multiplexed connection to a peer.
type Conn struct {
	remote ID
	mc     *muxer
	ws     *ws.Conn
	cancel context.CancelFunc
	log    *slog.Logger
	muxer  *mss.MultistreamMuxer[string]
	slots  chan struct{}
	done   chan struct{}
	once   sync.Once
}

// Dial connects to the peer at addr (see ParseAddr): WebSocket,
// multistream-select /noise, the noise XX handshake authenticating the
// peer id of addr, multistream-select /mplex/6.7.0. ctx bounds the dial;
// the connection lasts until Close or until the peer or network ends it.
func Dial(ctx context.Context, addr string, o Options) (*Conn, error) {
	t, err := ParseAddr(addr)
	if err != nil {
		return nil, err
	}
	if o.Key == nil {
		if _, o.Key, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return nil, err
		}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	wsc, err := ws.Dial(ctx, t.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("p2p: dial %s: %w", t.URL, err)
	}
	wsc.SetReadLimit(readLimit)
	life, cancel := context.WithCancel(context.Background())
	c := &Conn{remote: t.Peer, ws: wsc, cancel: cancel, log: lazyattrs.With(o.Logger, slog.String("peer", t.Peer.String())),
		slots: make(chan struct{}, maxInbound), done: make(chan struct{})}
	mc, err := upgrade(ctx, wsnet.NetConn(life, wsc, ws.MessageBinary), o.Key, t.Peer)
	if err != nil {
		cancel()
		wsc.CloseNow()
		return nil, fmt.Errorf("p2p: %s: %w", addr, err)
	}
	c.mc = mc
	c.muxer = mss.NewMultistreamMuxer[string]()
	c.muxer.AddHandler(IdentifyID, func(_ string, rwc io.ReadWriteCloser) error {
		return serveIdentify(rwc, o.Key, c.protocols())
	})
	c.muxer.AddHandler(PingID, func(_ string, rwc io.ReadWriteCloser) error { return servePing(rwc) })
	for id, h := range o.Handlers {
		c.muxer.AddHandler(id, func(_ string, rwc io.ReadWriteCloser) error {
			return h(rwc.(Stream))
		})
	}
	go c.accept()
	return c, nil
}

// upgrade secures conn with noise and multiplexes it with mplex, as the
// dialing side.
func upgrade(ctx context.Context, conn net.Conn, key ed25519.PrivateKey, remote ID) (*muxer, error) {
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
		defer conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := mss.SelectProtoOrFail(noiseID, conn); err != nil {
		return nil, fmt.Errorf("select %s: %w", noiseID, err)
	}
	sc, err := secureOutbound(conn, key, remote)
	if err != nil {
		return nil, fmt.Errorf("noise handshake: %w", err)
	}
	if err := mss.SelectProtoOrFail(mplexID, sc); err != nil {
		sc.Close()
		return nil, fmt.Errorf("select %s: %w", mplexID, err)
	}
	return newMuxer(sc), nil
}

// RemotePeer is the authenticated id of the peer.
func (c *Conn) RemotePeer() ID { return c.remote }

// NewStream opens a stream and selects proto on it.
func (c *Conn) NewStream(ctx context.Context, proto string) (Stream, error) {
	s, err := c.mc.NewStream(ctx)
	if err != nil {
		return nil, fmt.Errorf("p2p: open stream: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = s.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = s.Reset() })
	err = mss.SelectProtoOrFail(proto, s)
	if !stop() || err != nil {
		_ = s.Reset()
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("p2p: select %s: %w", proto, err)
	}
	return s, nil
}

// Done is closed once the connection ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Close ends the connection.
func (c *Conn) Close() {
	c.once.Do(func() {
		c.mc.Close()
		c.cancel()
		c.ws.CloseNow()
	})
}

func (c *Conn) protocols() []string { return c.muxer.Protocols() }

// accept serves inbound streams until the connection ends.
func (c *Conn) accept() {
	defer close(c.done)
	defer c.Close()
	for {
		s, err := c.mc.Accept()
		if err != nil {
			c.log.Debug("p2p connection ended", "err", err)
			return
		}
		select {
		case c.slots <- struct{}{}:
		default:
			c.log.Warn("p2p: too many inbound streams; resetting one")
			_ = s.Reset()
			continue
		}
		go func() {
			defer func() { <-c.slots }()
			_ = s.SetDeadline(time.Now().Add(inboundTimeout))
			proto, h, err := c.muxer.Negotiate(s)
			if err != nil {
				c.log.Debug("p2p: inbound stream not negotiated", "err", err)
				_ = s.Reset()
				return
			}
			if err := h(proto, s); err != nil {
				c.log.Debug("p2p: inbound stream failed", "protocol", proto, "err", err)
				_ = s.Reset()
				return
			}
			_ = s.Close()
		}()
	}
}
