package waku

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"

	"github.com/google/uuid"
	"github.com/posthorn/posthorn/internal/p2p"
)

// MaxFrame bounds one protobuf frame from the service node: a pushed
// message or a response. relay/waku takes requests of up to 128 KiB, and
// Waku's own limit on a message is 150 KiB; signalling messages are a few
// KiB. With internal/p2p's 64 inbound streams at once, pushes being read
// hold at most 16 MiB.
const MaxFrame = 256 << 10

// ErrRejected reports a request the service node refused.
var ErrRejected = errors.New("waku: service node refused")

// Client is a light client of one Waku service node.
type Client struct {
	conn *p2p.Conn
	log  *slog.Logger
}

// Options configure Dial.
type Options struct {
	// Key is the libp2p identity; nil means a fresh ed25519 key.
	Key ed25519.PrivateKey
	// OnPush receives every message the node pushes to our filter
	// subscriptions, on a goroutine per push.
	OnPush func(Push)
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Dial connects to the service node at addr, a WebSocket multiaddr ending
// in /p2p/<id> (internal/p2p).
func Dial(ctx context.Context, addr string, o Options) (*Client, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	c := &Client{log: o.Logger}
	conn, err := p2p.Dial(ctx, addr, p2p.Options{
		Key:      o.Key,
		Handlers: map[string]p2p.Handler{FilterPushID: func(s p2p.Stream) error { return c.onPush(s, o.OnPush) }},
		Logger:   o.Logger,
	})
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return c, nil
}

// onPush reads the one MessagePush of a filter-push stream.
func (c *Client) onPush(s p2p.Stream, f func(Push)) error {
	b, err := p2p.ReadFrame(s, MaxFrame)
	if err != nil {
		return err
	}
	p, err := ParsePush(b)
	if err != nil {
		return err
	}
	if !p.HasMessage {
		return fmt.Errorf("%w: push without a message", ErrProto)
	}
	if f != nil {
		f(p)
	}
	return nil
}

// Done is closed once the connection to the node ended.
func (c *Client) Done() <-chan struct{} { return c.conn.Done() }

// Close ends the connection.
func (c *Client) Close() { c.conn.Close() }

// LightPush asks the node to publish m on pubsubTopic.
func (c *Client) LightPush(ctx context.Context, pubsubTopic string, m *Message) error {
	id := uuid.NewString()
	b, err := c.roundTrip(ctx, LightPushID, marshalPushRequest(id, pubsubTopic, m))
	if err != nil {
		return err
	}
	r, err := parsePushResponse(b)
	switch {
	case err != nil:
		return fmt.Errorf("waku: lightpush response: %w", err)
	case !r.HasResp:
		return fmt.Errorf("%w: lightpush reply without a response", ErrProto)
	case !r.Success:
		return fmt.Errorf("%w: lightpush: %s", ErrRejected, r.Info)
	}
	return nil
}

// Subscribe subscribes to contentTopics on pubsubTopic.
func (c *Client) Subscribe(ctx context.Context, pubsubTopic string, contentTopics []string) error {
	return c.filter(ctx, subscribe, pubsubTopic, contentTopics)
}

// Unsubscribe ends the subscription to contentTopics.
func (c *Client) Unsubscribe(ctx context.Context, pubsubTopic string, contentTopics []string) error {
	return c.filter(ctx, unsubscribe, pubsubTopic, contentTopics)
}

// Ping checks that the node still holds a subscription of ours.
func (c *Client) Ping(ctx context.Context) error { return c.filter(ctx, subscriberPing, "", nil) }

func (c *Client) filter(ctx context.Context, typ int, pubsubTopic string, contentTopics []string) error {
	id := uuid.NewString()
	b, err := c.roundTrip(ctx, FilterSubscribeID, marshalFilterRequest(id, typ, pubsubTopic, contentTopics))
	if err != nil {
		return err
	}
	r, err := parseFilterResponse(b)
	switch {
	case err != nil:
		return fmt.Errorf("waku: filter response: %w", err)
	case r.Status < 200 || r.Status >= 300:
		return fmt.Errorf("%w: filter request: status %d %s", ErrRejected, r.Status, r.Desc)
	}
	return nil
}

// roundTrip writes one request frame on a new stream of proto and reads
// one response frame.
func (c *Client) roundTrip(ctx context.Context, proto string, req []byte) ([]byte, error) {
	s, err := c.conn.NewStream(ctx, proto)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = s.Reset() })
	defer stop()
	if err := p2p.WriteFrame(s, req); err != nil {
		_ = s.Reset()
		return nil, fmt.Errorf("waku: %s: %w", proto, err)
	}
	_ = s.CloseWrite()
	b, err := p2p.ReadFrame(s, MaxFrame)
	if err != nil {
		_ = s.Reset()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("waku: %s: %w", proto, err)
	}
	_ = s.Close()
	return b, nil
}
