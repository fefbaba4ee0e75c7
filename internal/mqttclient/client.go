// Package mqttclient is the MQTT 3.1.1 client of the mqtt strategy
// (signal/mqtt), also used by the tests of relay/mqttbroker and interop:
// one WebSocket connection to a broker that reconnects until closed, with
// the choices of Trystero's MQTT.js (protocol-0.18 §7.3). Packets are encoded
// and decoded by mochi-mqtt's packets package.
package mqttclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/ws"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/socket"
)

// Protocol choices of the MQTT client. protocol-0.18 §7.3 describes MQTT.js's
// defaults, which Trystero 0.18 uses; each constant says where it agrees.
const (
	// Subprotocol is the WebSocket subprotocol of MQTT (MQTT 3.1.1 §6.0),
	// the one MQTT.js sends (§7.3).
	Subprotocol = "mqtt"
	// protocolVersion is MQTT 3.1.1's protocol level, MQTT.js's default
	// (§7.3). Every broker accepts it, MQTT 5 brokers included; an
	// MQTT 3.1.1-only broker such as aedes refuses level 5.
	protocolVersion = 4
	// defaultKeepAlive is MQTT.js's keepalive, 60 s (§7.3).
	defaultKeepAlive = 60 * time.Second
	// clientIDPrefix marks our client ids; MQTT.js uses "mqttjs_" + 8 hex
	// (§7.3). Prefix plus 12 hex digits is 21 characters, within the 23
	// every MQTT 3.1.1 broker must accept (§3.1.3.1).
	clientIDPrefix = "posthorn_"
	// stableAfter is how long a connection must last before the reconnect
	// waits start again from the policy's first wait.
	stableAfter = 10 * time.Second
	// maxPacketBytes is the largest packet we accept. The largest Trystero
	// payload is an encrypted non-trickle SDP (§3, §4.3), a few KiB.
	maxPacketBytes = 256 << 10
	// dialTimeout bounds the WebSocket handshake plus CONNECT/CONNACK.
	dialTimeout = 15 * time.Second
	// requestTimeout bounds a SUBSCRIBE or UNSUBSCRIBE round trip.
	requestTimeout = 10 * time.Second
	// closeTimeout bounds the UNSUBSCRIBE/DISCONNECT goodbye of Close.
	closeTimeout = 2 * time.Second
	// deliverQueue is how many incoming messages wait for their handler
	// before the reader stops reading.
	deliverQueue = 64
)

var (
	// ErrNotConnected is returned by Publish while the client is
	// (re)connecting; QoS 0 messages are not queued (§7.3 uses QoS 0).
	ErrNotConnected = errors.New("mqtt: not connected")
	// ErrClosed is returned by Publish after Close.
	ErrClosed = errors.New("mqtt: client closed")
	// errKeepAlive ends a connection whose broker did not answer a PINGREQ
	// within the keepalive (MQTT.js: "Keepalive timeout").
	errKeepAlive = errors.New("mqtt: keepalive timeout: no PINGRESP from broker")
)

// RefusedError is a broker's refusal of our CONNECT: a CONNACK whose return
// code is not 0 (MQTT 3.1.1 §3.2.2.3). The client keeps retrying with its
// backoff, since a broker's configuration can change.
type RefusedError struct {
	// Code is the CONNACK return code, 1 to 5 in MQTT 3.1.1.
	Code byte
}

func (e *RefusedError) Error() string {
	reason := "unknown return code"
	switch e.Code {
	case 1:
		reason = "unacceptable protocol version (the broker does not accept MQTT 3.1.1)"
	case 2:
		reason = "client identifier rejected"
	case 3:
		reason = "server unavailable"
	case 4:
		reason = "bad user name or password"
	case 5:
		reason = "not authorized"
	}
	return fmt.Sprintf("mqtt: broker refused the connection: %s (CONNACK return code %d)", reason, e.Code)
}

// Options configure a client. The zero value is valid.
type Options struct {
	// Reconnect is the wait between connection attempts; zero fields mean
	// DefaultReconnect's.
	Reconnect posthorn.ReconnectPolicy
	// KeepAlive is the MQTT keepalive; 0 means MQTT.js's 60 s. Tests
	// shorten it.
	KeepAlive time.Duration
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Client is one MQTT 3.1.1 connection over WebSocket to a broker, which
// reconnects until Close, like MQTT.js's client with Trystero's options
// (§7.3): clean session, QoS 0, keepalive, no credentials, no will. After
// every (re)connect it subscribes to every topic given to Subscribe, in
// order, then runs the OnConnect hooks (§7.3: on every connect, subscribe
// root, subscribe self, publish the announcement).
type Client struct {
	url       string
	clientID  string
	keepAlive time.Duration
	backoff   socket.Backoff
	log       *slog.Logger
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}

	mu        sync.Mutex
	state     posthorn.RelayState
	conn      *session // the live connection once CONNACK arrived, else nil
	topics    []string
	handlers  map[string]func([]byte)
	onConnect []func(context.Context)
	onDown    []func()
	onError   []func(error)
	// live is the context of the connection whose hooks have run, nil
	// while (re)connecting: a hook added later runs at once with it.
	live context.Context
}

// New returns a client for the broker at url (ws:// or wss://) that
// does not connect until Start, so that hooks can be in place before the
// first connection.
func New(url string, opts Options) *Client {
	if opts.KeepAlive <= 0 {
		opts.KeepAlive = defaultKeepAlive
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Client{
		url:       url,
		clientID:  newClientID(),
		keepAlive: opts.KeepAlive,
		backoff:   socket.Backoff{Policy: socket.WithDefaults(opts.Reconnect, DefaultReconnect)},
		log:       lazyattrs.With(opts.Logger, slog.String("broker", url)),
		ctx:       ctx,
		cancel:    cancel,
		done:      make(chan struct{}),
		state:     posthorn.RelayConnecting,
		handlers:  map[string]func([]byte){},
	}
}

// Start connects in the background, and reconnects until Close.
func (c *Client) Start() { go c.run() }

func newClientID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return clientIDPrefix + hex.EncodeToString(b[:])
}

// URL is the broker URL.
func (c *Client) URL() string { return c.url }

// State reports the connection's ready state (getRelaySockets).
func (c *Client) State() posthorn.RelayState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Subscribe delivers every message published to topic (an exact topic, no
// wildcards) to fn, on one goroutine per connection, in arrival order. The
// subscription is sent now if connected and again after every reconnect;
// Subscribe returns once the broker has acknowledged it. Subscribing to a
// topic again replaces its handler. fn must not wait for another message
// of the same client.
func (c *Client) Subscribe(ctx context.Context, topic string, fn func(payload []byte)) error {
	acked, err := c.SubscribeSent(ctx, topic, fn)
	if err != nil {
		return err
	}
	return acked(ctx)
}

// SubscribeSent is Subscribe returning as soon as the SUBSCRIBE is written,
// as MQTT.js's subscribe does: a broker handles one connection's packets in
// order, so whatever c publishes afterwards is handled after the
// subscription, and replies to it on topic are delivered. It does not
// wait for the broker, so a handler may call it. acked waits for the
// broker's SUBACK and reports a refusal; it must be called once (it frees
// the packet id). When not connected, the next connect subscribes and
// acked returns nil.
func (c *Client) SubscribeSent(ctx context.Context, topic string, fn func(payload []byte)) (acked func(context.Context) error, err error) {
	c.mu.Lock()
	if _, ok := c.handlers[topic]; !ok {
		c.topics = append(c.topics, topic)
	}
	c.handlers[topic] = fn
	s := c.conn
	c.mu.Unlock()
	if s == nil {
		return func(context.Context) error { return nil }, nil // the next connect subscribes
	}
	return s.subscribeSent(ctx, topic)
}

// OnConnect adds a hook run after each (re)connect, once the subscriptions
// are in place. The context ends with that connection. If the client is
// connected already, the hook also runs at once (in a new goroutine), so a
// hook added after Start does not miss the first connection.
func (c *Client) OnConnect(fn func(ctx context.Context)) {
	c.mu.Lock()
	c.onConnect = append(c.onConnect, fn)
	live := c.live
	c.mu.Unlock()
	if live != nil && live.Err() == nil {
		go fn(live)
	}
}

// OnDisconnect adds a hook run each time an open connection ends.
func (c *Client) OnDisconnect(fn func()) {
	c.mu.Lock()
	c.onDown = append(c.onDown, fn)
	c.mu.Unlock()
}

// OnError adds a hook run with the error of every connection attempt that
// failed (WebSocket dial, CONNACK refusal, SUBACK failure) and of every
// open connection that broke; not when Close ends it.
func (c *Client) OnError(fn func(error)) {
	c.mu.Lock()
	c.onError = append(c.onError, fn)
	c.mu.Unlock()
}

// Publish sends payload to topic with QoS 0 and retain false (§7.3).
func (c *Client) Publish(ctx context.Context, topic string, payload []byte) error {
	c.mu.Lock()
	s, state := c.conn, c.state
	c.mu.Unlock()
	if state != posthorn.RelayOpen || s == nil {
		if c.ctx.Err() != nil {
			return ErrClosed
		}
		return ErrNotConnected
	}
	pk := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 0, Retain: false},
		TopicName:   topic,
		Payload:     payload,
	}
	if err := s.write(ctx, &pk); err != nil {
		return fmt.Errorf("mqtt: publish to %s: %w", topic, err)
	}
	return nil
}

// Close unsubscribes and disconnects (MQTT DISCONNECT, like MQTT.js's
// client.end(), §7.3), and stops reconnecting. It waits for the
// connection to end.
func (c *Client) Close() error {
	c.cancel()
	<-c.done
	return nil
}

// run connects and reconnects, waiting between attempts as the reconnect
// policy says, until Close.
func (c *Client) run() {
	defer close(c.done)
	var lastErr string // the last failure logged, so a refusing broker is logged once
	for {
		opened, err := c.session()
		c.mu.Lock()
		wasOpen := c.state == posthorn.RelayOpen || c.state == posthorn.RelayClosing
		down := append([]func(){}, c.onDown...)
		onErr := append([]func(error){}, c.onError...)
		c.state, c.conn, c.live = posthorn.RelayClosed, nil, nil
		c.mu.Unlock()
		if wasOpen {
			for _, h := range down {
				h()
			}
		}
		if c.ctx.Err() != nil {
			return
		}
		if !opened.IsZero() {
			lastErr = ""
			if time.Since(opened) >= stableAfter {
				c.backoff.Reset()
			}
		}
		delay := c.backoff.Next()
		if msg := err.Error(); msg != lastErr {
			lastErr = msg
			c.log.Warn("mqtt broker connection failed; retrying", "err", err, "in", delay)
		} else {
			c.log.Debug("mqtt broker connection failed again; retrying", "err", err, "in", delay)
		}
		for _, h := range onErr {
			h(err)
		}
		if !c.wait(delay) {
			return
		}
		c.mu.Lock()
		c.state = posthorn.RelayConnecting
		c.mu.Unlock()
	}
}

// wait waits delay before the next connection attempt, or while
// reconnection is paused until it resumes (socket.PauseReconnection). It
// reports false if the client was closed meanwhile.
func (c *Client) wait(delay time.Duration) bool {
	if resumed := socket.Paused(); resumed != nil {
		c.log.Debug("mqtt reconnection paused")
		select {
		case <-resumed:
			return true
		case <-c.ctx.Done():
			return false
		}
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-c.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// session is one connection to the broker, from CONNACK on.
type session struct {
	pc *packetConn
	// ctx ends when the connection breaks or is closed; its cause says why.
	ctx    context.Context
	cancel context.CancelCauseFunc
	// sent is signalled by every write: the keepalive counts from the last
	// packet sent (MQTT 3.1.1 §3.1.2.10).
	sent chan struct{}
	// pingOut is set by a PINGREQ and cleared by its PINGRESP.
	pingOut atomic.Bool

	mu     sync.Mutex
	nextID uint16
	acks   map[uint16]chan packets.Packet
}

func (s *session) write(ctx context.Context, pk *packets.Packet) error {
	if err := s.pc.writePacket(ctx, pk); err != nil {
		s.cancel(fmt.Errorf("mqtt: write: %w", err))
		return err
	}
	select {
	case s.sent <- struct{}{}:
	default:
	}
	return nil
}

// request sends pk (SUBSCRIBE or UNSUBSCRIBE) with a fresh packet id and
// returns the broker's acknowledgement.
func (s *session) request(ctx context.Context, pk *packets.Packet) (packets.Packet, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	wait, err := s.send(ctx, pk)
	if err != nil {
		return packets.Packet{}, err
	}
	return wait(ctx)
}

// send writes pk (SUBSCRIBE or UNSUBSCRIBE) with a fresh packet id. wait
// returns the broker's acknowledgement; it must be called once, as it
// also frees the packet id.
func (s *session) send(ctx context.Context, pk *packets.Packet) (wait func(context.Context) (packets.Packet, error), err error) {
	ack := make(chan packets.Packet, 1)
	s.mu.Lock()
	for {
		s.nextID++
		if _, busy := s.acks[s.nextID]; s.nextID != 0 && !busy {
			break
		}
	}
	id := s.nextID
	s.acks[id] = ack
	s.mu.Unlock()
	release := func() {
		s.mu.Lock()
		delete(s.acks, id)
		s.mu.Unlock()
	}
	pk.PacketID = id
	if err := s.write(ctx, pk); err != nil {
		release()
		return nil, err
	}
	return func(ctx context.Context) (packets.Packet, error) {
		defer release()
		select {
		case a := <-ack:
			return a, nil
		case <-ctx.Done():
			return packets.Packet{}, ctx.Err()
		case <-s.ctx.Done():
			return packets.Packet{}, context.Cause(s.ctx)
		}
	}, nil
}

// subscribe subscribes to topic with QoS 0 and checks the SUBACK.
func (s *session) subscribe(ctx context.Context, topic string) error {
	acked, err := s.subscribeSent(ctx, topic)
	if err != nil {
		return err
	}
	return acked(ctx)
}

// subscribeSent writes a SUBSCRIBE to topic with QoS 0; acked waits for
// the SUBACK (at most requestTimeout) and checks it.
func (s *session) subscribeSent(ctx context.Context, topic string) (acked func(context.Context) error, err error) {
	wctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	wait, err := s.send(wctx, &packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, // flags 0010 (§3.8.1)
		Filters:     packets.Subscriptions{{Filter: topic, Qos: 0}},
	})
	if err != nil {
		return nil, fmt.Errorf("mqtt: subscribe %s: %w", topic, err)
	}
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, requestTimeout)
		defer cancel()
		ack, err := wait(ctx)
		if err != nil {
			return fmt.Errorf("mqtt: subscribe %s: %w", topic, err)
		}
		// SUBACK return codes: 0-2 the granted QoS, 0x80 failure (§3.9.3).
		if len(ack.ReasonCodes) != 1 || ack.ReasonCodes[0] >= 0x80 {
			return fmt.Errorf("mqtt: broker refused the subscription to %s: SUBACK return codes %#x", topic, ack.ReasonCodes)
		}
		return nil
	}, nil
}

// unsubscribe ends the subscriptions to topics.
func (s *session) unsubscribe(ctx context.Context, topics []string) error {
	filters := make(packets.Subscriptions, len(topics))
	for i, t := range topics {
		filters[i].Filter = t
	}
	_, err := s.request(ctx, &packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Unsubscribe, Qos: 1}, // flags 0010 (§3.10.1)
		Filters:     filters,
	})
	return err
}

// readLoop reads until the connection ends, hands publishes to the
// delivery queue and acknowledgements to their requests.
func (s *session) readLoop(deliver chan<- packets.Packet) {
	for {
		pk, err := s.pc.readPacket()
		if err != nil {
			s.cancel(fmt.Errorf("mqtt: read: %w", err))
			return
		}
		switch pk.FixedHeader.Type {
		case packets.Publish:
			if pk.FixedHeader.Qos == 1 { // we subscribe with QoS 0; a broker may still send 1
				if err := s.write(s.ctx, &packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: pk.PacketID}); err != nil {
					return
				}
			}
			select {
			case deliver <- pk:
			case <-s.ctx.Done():
				return
			}
		case packets.Suback, packets.Unsuback:
			s.mu.Lock()
			ack := s.acks[pk.PacketID]
			s.mu.Unlock()
			if ack != nil {
				select {
				case ack <- pk:
				default:
				}
			}
		case packets.Pingresp:
			s.pingOut.Store(false)
		case packets.Puback:
			// We publish with QoS 0 only; nothing to acknowledge.
		default:
			s.cancel(fmt.Errorf("%w: %s", errUnexpectedPacket, packets.PacketNames[pk.FixedHeader.Type]))
			return
		}
	}
}

// keepAliveLoop sends a PINGREQ when nothing was sent for d, and ends the
// connection if the broker did not answer the previous one by then, as
// MQTT.js does.
func (s *session) keepAliveLoop(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.sent:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
			t.Reset(d)
		case <-t.C:
			if s.pingOut.Load() {
				s.cancel(errKeepAlive)
				return
			}
			s.pingOut.Store(true)
			if s.write(s.ctx, &packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Pingreq}}) != nil {
				return
			}
			t.Reset(d)
		}
	}
}

// session runs one connection: dial, CONNECT/CONNACK, subscribe, hooks,
// then wait until the connection or the client ends. opened is when the
// connection became open (zero if it never did).
func (c *Client) session() (opened time.Time, err error) {
	dialCtx, dialCancel := context.WithTimeout(c.ctx, dialTimeout)
	defer dialCancel()
	conn, err := ws.Dial(dialCtx, c.url, []string{Subprotocol})
	if err != nil {
		return opened, fmt.Errorf("mqtt: dial: %w", err)
	}
	// The connection's own context: Close must not cut it before the
	// goodbye packets are sent.
	connCtx, connCancel := context.WithCancelCause(context.Background())
	defer connCancel(nil)
	s := &session{
		pc:     newPacketConn(connCtx, conn),
		ctx:    connCtx,
		cancel: connCancel,
		sent:   make(chan struct{}, 1),
		acks:   map[uint16]chan packets.Packet{},
	}
	defer conn.CloseNow()

	connect := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{
			ProtocolName:     []byte("MQTT"),
			Clean:            true,
			Keepalive:        uint16(c.keepAlive / time.Second),
			ClientIdentifier: c.clientID,
		},
	}
	if err := s.write(dialCtx, &connect); err != nil {
		return opened, fmt.Errorf("mqtt: send CONNECT: %w", err)
	}
	type result struct {
		pk  packets.Packet
		err error
	}
	first := make(chan result, 1)
	go func() {
		pk, err := s.pc.readPacket()
		first <- result{pk, err}
	}()
	var connack packets.Packet
	select {
	case r := <-first:
		if r.err != nil {
			return opened, fmt.Errorf("mqtt: waiting for CONNACK: %w", r.err)
		}
		connack = r.pk
	case <-dialCtx.Done():
		return opened, fmt.Errorf("mqtt: no CONNACK: %w", dialCtx.Err())
	}
	if connack.FixedHeader.Type != packets.Connack {
		return opened, fmt.Errorf("%w: %s before CONNACK", errUnexpectedPacket, packets.PacketNames[connack.FixedHeader.Type])
	}
	if connack.ReasonCode != 0 {
		return opened, &RefusedError{Code: connack.ReasonCode}
	}

	deliver := make(chan packets.Packet, deliverQueue)
	readDone := make(chan struct{})
	go func() { defer close(readDone); s.readLoop(deliver) }()
	defer func() {
		connCancel(nil) // closes ws, which ends the reader
		<-readDone
	}()
	go s.keepAliveLoop(c.keepAlive)
	go c.deliverLoop(s, deliver)

	// From here on Subscribe sends its own SUBSCRIBE; topics added before
	// are sent by this loop.
	c.mu.Lock()
	c.conn = s
	topics := append([]string{}, c.topics...)
	c.mu.Unlock()
	for _, t := range topics {
		if err := s.subscribe(c.ctx, t); err != nil {
			return opened, err
		}
	}

	// Open before the hooks so that Publish works inside them. The hooks'
	// context ends with the connection or the client.
	hookCtx, hookCancel := context.WithCancel(c.ctx)
	defer hookCancel()
	stop := context.AfterFunc(connCtx, hookCancel)
	defer stop()
	opened = time.Now()
	c.mu.Lock()
	c.state = posthorn.RelayOpen
	hooks := append([]func(context.Context){}, c.onConnect...)
	c.live = hookCtx
	c.mu.Unlock()
	c.log.Debug("mqtt connected", "client_id", c.clientID)
	for _, h := range hooks {
		h(hookCtx)
	}

	select {
	case <-connCtx.Done():
		return opened, context.Cause(connCtx)
	case <-c.ctx.Done():
	}
	// Close: unsubscribe, then DISCONNECT and a normal WebSocket close.
	c.mu.Lock()
	c.state = posthorn.RelayClosing
	topics = append(topics[:0], c.topics...)
	c.mu.Unlock()
	byeCtx, byeCancel := context.WithTimeout(context.Background(), closeTimeout)
	defer byeCancel()
	if len(topics) > 0 {
		if err := s.unsubscribe(byeCtx, topics); err != nil {
			c.log.Debug("mqtt unsubscribe on close failed", "err", err)
		}
	}
	if err := s.write(byeCtx, &packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Disconnect}}); err == nil {
		conn.Close(ws.StatusNormalClosure, "")
	}
	return opened, ErrClosed
}

// deliverLoop runs the handlers of the connection's incoming messages, in
// order, until it ends.
func (c *Client) deliverLoop(s *session, deliver <-chan packets.Packet) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case pk := <-deliver:
			c.mu.Lock()
			fn := c.handlers[pk.TopicName]
			c.mu.Unlock()
			if fn == nil {
				c.log.Debug("message on unsubscribed topic", "topic", pk.TopicName)
				continue
			}
			fn(pk.Payload)
		}
	}
}

// DefaultReconnect is the client's reconnect policy where Options leave it
// unset: MQTT.js's reconnectPeriod of 1 s (§7.3), doubling up to 30 s
// (MQTT.js retries every second forever, which hammers a broker that is
// down), each wait moved by up to ±25%.
var DefaultReconnect = posthorn.ReconnectPolicy{Wait: time.Second, MaxWait: 30 * time.Second, Jitter: 0.25}

// Dial returns a Client for url that is connecting already (New, then
// Start): for callers with no hooks to put in place first.
func Dial(url string, opts Options) *Client {
	c := New(url, opts)
	c.Start()
	return c
}

// ClientID is the id the client connects with.
func (c *Client) ClientID() string { return c.clientID }
