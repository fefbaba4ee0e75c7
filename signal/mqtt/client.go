package mqtt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/paho"
	"github.com/posthorn/posthorn"
)

// Protocol choices of the MQTT client. protocol-0.18 §7.3 describes MQTT.js's
// defaults; each constant says where it agrees or differs.
//
// Protocol version: MQTT.js (and so Trystero 0.18) speaks MQTT 3.1.1. This
// client speaks MQTT 5 because paho.golang's core client implements only v5
// (its Connect always sends protocol level 5), and the alternatives would
// bring another WebSocket stack into the wasm build. Peers never talk MQTT
// to each other, only to the broker, and the broker translates between
// protocol versions: a v5 publish reaches a 3.1.1 subscriber with the same
// topic and payload bytes. All five default brokers of §7.3 (mosquitto,
// Eclipse's, EMQX, HiveMQ, MQTTHQ), mochi-mqtt (relay/mqttbroker) and
// Debian's mosquitto accept MQTT 5. The packets Trystero relies on (QoS 0,
// retain false, clean start, no will) mean the same in both versions.
const (
	// Subprotocol is the WebSocket subprotocol of MQTT (MQTT 5.0 §6.0), the
	// one MQTT.js sends (§7.3).
	Subprotocol = "mqtt"
	// keepAlive is MQTT.js's default keepalive, 60 s (§7.3).
	keepAlive = 60
	// clientIDPrefix marks our client ids; MQTT.js uses "mqttjs_" + 8 hex
	// (§7.3). Prefix plus 12 hex digits stays within the 23 characters every
	// MQTT 3.1.1 broker must accept (MQTT 3.1.1 §3.1.3.1), which some apply
	// to v5 too.
	clientIDPrefix = "posthorn_"
	// defaultMinBackoff is MQTT.js's reconnectPeriod, 1 s (§7.3).
	defaultMinBackoff = time.Second
	// defaultMaxBackoff caps the doubling; MQTT.js retries every second
	// forever, which hammers a broker that is down.
	defaultMaxBackoff = 30 * time.Second
	// stableAfter is how long a connection must last before the backoff
	// restarts from its minimum.
	stableAfter = 10 * time.Second
	// maxPacketBytes is the largest packet we accept, announced to the
	// broker (MQTT 5 Maximum Packet Size). The largest Trystero payload is
	// an encrypted non-trickle SDP (§3, §4.3), a few KiB.
	maxPacketBytes = 256 << 10
	// dialTimeout bounds the WebSocket handshake plus CONNECT/CONNACK.
	dialTimeout = 15 * time.Second
	// requestTimeout bounds a SUBSCRIBE round trip.
	requestTimeout = 10 * time.Second
)

var (
	// ErrNotConnected is returned by Publish while the client is
	// (re)connecting; QoS 0 messages are not queued (§7.3 uses QoS 0).
	ErrNotConnected = errors.New("mqtt: not connected")
	// ErrClosed is returned by Publish after Close.
	ErrClosed = errors.New("mqtt: client closed")
)

// ClientOptions configure a Client. The zero value is valid.
type ClientOptions struct {
	// MinBackoff is the first reconnect delay; 0 means 1 s. It doubles, with
	// ±25% jitter, up to MaxBackoff (0 means 30 s).
	MinBackoff, MaxBackoff time.Duration
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Client is one MQTT-over-WebSocket connection to a broker that reconnects
// until Close. After every (re)connect it subscribes to every topic given to
// Subscribe, in order, then runs the OnConnect hooks (protocol-0.18 §7.3: on
// every connect, subscribe root, subscribe self, publish the announcement).
type Client struct {
	url      string
	clientID string
	opts     ClientOptions
	log      *slog.Logger
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{}

	mu        sync.Mutex
	state     posthorn.RelayState
	cli       *paho.Client // the live connection once CONNACK arrived, else nil
	topics    []string
	handlers  map[string]func([]byte)
	onConnect []func(context.Context)
	onDown    []func()
	// live is the context of the connection whose hooks have run, nil
	// while (re)connecting: a hook added later runs at once with it.
	live context.Context
}

// Dial starts a Client for the broker at url (ws:// or wss://) and returns
// at once; the connection is made in the background.
func Dial(url string, opts *ClientOptions) *Client {
	c := newClient(url, opts)
	c.start()
	return c
}

// newClient returns a Client that does not connect until start, so that
// hooks can be in place before the first connection.
func newClient(url string, opts *ClientOptions) *Client {
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = defaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = defaultMaxBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		url:      url,
		clientID: newClientID(),
		opts:     o,
		log:      o.Logger.With("broker", url),
		ctx:      ctx,
		cancel:   cancel,
		done:     make(chan struct{}),
		state:    posthorn.RelayConnecting,
		handlers: map[string]func([]byte){},
	}
	return c
}

func (c *Client) start() { go c.run() }

func newClientID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return clientIDPrefix + hex.EncodeToString(b[:])
}

// URL is the broker URL the client was dialled with.
func (c *Client) URL() string { return c.url }

// State reports the connection's ready state (getRelaySockets).
func (c *Client) State() posthorn.RelayState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Subscribe delivers every message published to topic (an exact topic, no
// wildcards) to fn, on one goroutine per client, in arrival order. The
// subscription is sent now if connected and again after every reconnect.
// Subscribing to a topic again replaces its handler.
func (c *Client) Subscribe(ctx context.Context, topic string, fn func(payload []byte)) error {
	c.mu.Lock()
	if _, ok := c.handlers[topic]; !ok {
		c.topics = append(c.topics, topic)
	}
	c.handlers[topic] = fn
	cli := c.cli
	c.mu.Unlock()
	if cli == nil {
		return nil // the next connect subscribes
	}
	return subscribe(ctx, cli, topic)
}

// OnConnect adds a hook run after each (re)connect, once the subscriptions
// are in place. The context ends with that connection. If the client is
// connected already, the hook also runs at once (in a new goroutine), so a
// hook added after Dial does not miss the first connection.
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

// Publish sends payload to topic with QoS 0 and retain false (§7.3).
func (c *Client) Publish(ctx context.Context, topic string, payload []byte) error {
	c.mu.Lock()
	cli, state := c.cli, c.state
	c.mu.Unlock()
	if state != posthorn.RelayOpen {
		if c.ctx.Err() != nil {
			return ErrClosed
		}
		return ErrNotConnected
	}
	_, err := cli.Publish(ctx, &paho.Publish{Topic: topic, QoS: 0, Retain: false, Payload: payload})
	if err != nil {
		return fmt.Errorf("mqtt: publish to %s: %w", topic, err)
	}
	return nil
}

// Close disconnects (MQTT DISCONNECT, like MQTT.js's client.end(), §7.3)
// and stops reconnecting. It waits for the connection to end.
func (c *Client) Close() error {
	c.cancel()
	<-c.done
	return nil
}

func subscribe(ctx context.Context, cli *paho.Client, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	ack, err := cli.Subscribe(ctx, &paho.Subscribe{
		Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 0}},
	})
	if err != nil {
		return fmt.Errorf("mqtt: subscribe %s: %w", topic, err)
	}
	if len(ack.Reasons) != 1 || ack.Reasons[0] >= 0x80 {
		return fmt.Errorf("mqtt: subscribe %s refused: reasons %v", topic, ack.Reasons)
	}
	return nil
}

// run connects and reconnects with jittered exponential backoff until Close.
func (c *Client) run() {
	defer close(c.done)
	backoff := c.opts.MinBackoff
	for {
		start := time.Now()
		err := c.session()
		c.mu.Lock()
		wasOpen := c.state == posthorn.RelayOpen
		down := append([]func(){}, c.onDown...)
		c.state, c.cli = posthorn.RelayClosed, nil
		c.mu.Unlock()
		if wasOpen {
			for _, h := range down {
				h()
			}
		}
		if c.ctx.Err() != nil {
			return
		}
		if time.Since(start) >= stableAfter {
			backoff = c.opts.MinBackoff
		}
		delay := jitter(backoff)
		c.log.Debug("mqtt connection ended; reconnecting", "err", err, "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-c.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, c.opts.MaxBackoff)
		c.setState(posthorn.RelayConnecting, nil)
	}
}

// jitter spreads d by ±25% so clients of a restarted broker do not return in
// lockstep.
func jitter(d time.Duration) time.Duration {
	return d*3/4 + time.Duration(mrand.Int64N(int64(d)/2+1))
}

func (c *Client) setState(s posthorn.RelayState, cli *paho.Client) {
	c.mu.Lock()
	c.state, c.cli = s, cli
	c.mu.Unlock()
}

// session runs one connection: dial, CONNECT, subscribe, hooks, then wait
// until the connection or the client ends.
func (c *Client) session() error {
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()

	dialCtx, dialCancel := context.WithTimeout(ctx, dialTimeout)
	defer dialCancel()
	ws, _, err := websocket.Dial(dialCtx, c.url, &websocket.DialOptions{Subprotocols: []string{Subprotocol}})
	if err != nil {
		return fmt.Errorf("mqtt: dial: %w", err)
	}
	conn := newPacketConn(websocket.NetConn(ctx, ws, websocket.MessageBinary))
	cli := paho.NewClient(paho.ClientConfig{
		Conn:              conn,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){c.deliver},
		OnClientError:     func(error) { cancel() },
		OnServerDisconnect: func(d *paho.Disconnect) {
			c.log.Debug("broker disconnected us", "reason", d.ReasonCode)
			cancel()
		},
	})
	maxPacket := uint32(maxPacketBytes)
	_, err = cli.Connect(dialCtx, &paho.Connect{
		ClientID:   c.clientID,
		KeepAlive:  keepAlive,
		CleanStart: true,
		Properties: &paho.ConnectProperties{MaximumPacketSize: &maxPacket},
	})
	if err != nil {
		conn.Close()
		return fmt.Errorf("mqtt: connect: %w", err)
	}
	defer func() {
		// MQTT.js's client.end() sends DISCONNECT (§7.3, leave).
		if c.ctx.Err() != nil {
			_ = cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
		}
		<-cli.Done()
	}()
	go func() {
		select {
		case <-cli.Done():
			cancel()
		case <-ctx.Done():
		}
	}()

	// From here on Subscribe sends its own SUBSCRIBE; topics added before
	// are sent by this loop.
	c.mu.Lock()
	c.cli = cli
	topics := append([]string{}, c.topics...)
	c.mu.Unlock()
	for _, t := range topics {
		if err := subscribe(ctx, cli, t); err != nil {
			return err
		}
	}
	// Open before the hooks so that Publish works inside them.
	c.setState(posthorn.RelayOpen, cli)
	c.mu.Lock()
	hooks := append([]func(context.Context){}, c.onConnect...)
	c.live = ctx
	c.mu.Unlock()
	c.log.Debug("mqtt connected", "client_id", c.clientID)
	for _, h := range hooks {
		h(ctx)
	}
	<-ctx.Done()
	return ctx.Err()
}

// deliver routes an incoming PUBLISH to its topic's handler.
func (c *Client) deliver(p paho.PublishReceived) (bool, error) {
	c.mu.Lock()
	fn := c.handlers[p.Packet.Topic]
	c.mu.Unlock()
	if fn == nil {
		c.log.Debug("message on unsubscribed topic", "topic", p.Packet.Topic)
		return false, nil
	}
	fn(p.Packet.Payload)
	return true, nil
}
