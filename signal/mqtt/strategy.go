package mqtt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/signal"
)

// DefaultRelayURLs are Trystero 0.18's default MQTT brokers, in its order
// (wire-0.18 §7.3). Every one of them accepts MQTT 5 (see Client).
var DefaultRelayURLs = []string{
	"wss://test.mosquitto.org:8081",
	"wss://mqtt.eclipseprojects.io/mqtt",
	"wss://broker.emqx.io:8084/mqtt",
	"wss://broker.hivemq.com:8884/mqtt",
	"wss://public.mqtthq.com:8084/mqtt",
}

// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
// RelayURLs is empty: the first two (wire-0.18 §7.3).
const DefaultRedundancy = 2

// ErrTopicChars rejects an appId or roomId that would make an invalid MQTT
// topic: '+' and '#' are wildcards, '/' would change the topic's levels
// (wire-0.18 §7.3, §10.13). Trystero does not check and its brokers then
// drop the connection.
var ErrTopicChars = errors.New("mqtt: appId and roomId must not contain '/', '+' or '#'")

// Options configures New. The zero value is the default instance's setup.
type Options struct {
	// SelfID is this instance's peer id (wire-0.18 §2); "" means
	// signal.SelfID.
	SelfID string
	// Logger receives the strategy's logs when a room's Config has none;
	// nil means slog.Default().
	Logger *slog.Logger
	// Client configures the broker connections (reconnect backoff); the zero
	// value reconnects after 1 s like MQTT.js, backing off to 30 s.
	Client ClientOptions

	// announceInterval replaces engine.DefaultAnnounceInterval in tests.
	announceInterval time.Duration
}

// Strategy is one MQTT strategy instance: one peer id, one room per roomID,
// one broker connection per room and broker (like Trystero 0.18, which
// calls mqtt.connect per room). It implements signal.Strategy.
type Strategy struct {
	selfID   string
	log      *slog.Logger
	client   ClientOptions
	announce time.Duration
	rooms    signal.Rooms

	mu      sync.Mutex
	sockets map[string]*Client // the latest client per broker URL
}

var _ signal.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to brokers only when a room is joined.
func New(opts Options) *Strategy {
	s := &Strategy{
		selfID:   opts.SelfID,
		log:      opts.Logger,
		client:   opts.Client,
		announce: opts.announceInterval,
		sockets:  map[string]*Client{},
	}
	if s.selfID == "" {
		s.selfID = signal.SelfID
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// SelfID returns the peer id this instance announces.
func (s *Strategy) SelfID() string { return s.selfID }

// RelaySockets reports, per broker URL, the state of the connection of the
// room that most recently joined through it (Trystero's getRelaySockets,
// which keeps the latest room's socket per URL).
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]posthorn.RelayState, len(s.sockets))
	for u, c := range s.sockets {
		out[u] = c.State()
	}
	return out
}

// JoinRoom joins roomID: it returns at once and connects, subscribes and
// announces in the background. Joining a roomID that is already joined
// returns the same room (the appId is not part of that key, like in
// Trystero). cfg.RelayURLs replaces DefaultRelayURLs; cfg.RelayRedundancy
// picks how many defaults to use.
func (s *Strategy) JoinRoom(ctx context.Context, cfg signal.Config, roomID string) (*posthorn.Room, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.rooms.Join(cfg, roomID, func(forget func()) (*posthorn.Room, error) {
		return s.join(cfg, roomID, forget)
	})
}

func (s *Strategy) join(cfg signal.Config, roomID string, forget func()) (*posthorn.Room, error) {
	if strings.ContainsAny(cfg.AppID, "/+#") || strings.ContainsAny(roomID, "/+#") {
		return nil, ErrTopicChars
	}
	log := cfg.Logger
	if log == nil {
		log = s.log
	}
	var clients []*Client
	sess, err := engine.New(engine.Config{
		AppID:            cfg.AppID,
		RoomID:           roomID,
		SelfID:           s.selfID,
		Password:         cfg.Password,
		RTCConfig:        cfg.RTCConfig,
		Codec:            engine.RawID, // the raw selfId bytes (§7.3)
		AnnounceInterval: s.announce,
		Logger:           log,
		OnLeave: func() {
			forget()
			// MQTT.js client.end() on every broker (§7.3, leave).
			for _, c := range clients {
				c.Close()
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("mqtt: join %q: %w", roomID, err)
	}
	root, self := sess.RootTopic(), sess.SelfTopic()
	opts := s.client
	opts.Logger = log
	for _, url := range cfg.Relays(DefaultRelayURLs, DefaultRedundancy) {
		c := newClient(url, &opts)
		// On every connect: subscribe root, subscribe self, then announce
		// (§7.3); the session publishes the announcement in Ready.
		c.Subscribe(context.Background(), root, func(p []byte) { sess.Deliver(c, root, p) })
		c.Subscribe(context.Background(), self, func(p []byte) { sess.Deliver(c, self, p) })
		c.OnConnect(func(ctx context.Context) {
			if err := sess.Ready(ctx, c); err != nil && !errors.Is(err, engine.ErrLeft) {
				log.Debug("mqtt announce failed", "broker", url, "err", err)
			}
		})
		c.OnDisconnect(func() { sess.Forget(c) })
		clients = append(clients, c)
	}
	s.mu.Lock()
	for _, c := range clients {
		s.sockets[c.URL()] = c
	}
	s.mu.Unlock()
	for _, c := range clients {
		c.start()
	}
	return sess.Room(), nil
}

// Close leaves every room joined through the instance: their peer
// connections close (remote peers see us leave) and so do their broker
// connections.
func (s *Strategy) Close() { s.rooms.LeaveAll() }

var defaultStrategy = sync.OnceValue(func() *Strategy { return New(Options{}) })

// JoinRoom joins roomID with the default instance (Trystero's joinRoom).
func JoinRoom(ctx context.Context, cfg signal.Config, roomID string) (*posthorn.Room, error) {
	return defaultStrategy().JoinRoom(ctx, cfg, roomID)
}

// SelfID is the default instance's peer id, signal.SelfID (Trystero's selfId).
func SelfID() string { return signal.SelfID }

// RelaySockets reports the default instance's broker connections
// (Trystero's getRelaySockets).
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
