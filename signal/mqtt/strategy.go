package mqtt

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/mqttclient"
	"github.com/posthorn/posthorn/internal/v025/relays"
)

// DefaultRelayURLs are Trystero 0.18's default MQTT brokers, in its order
// (protocol-0.18 §7.3).
var DefaultRelayURLs = []string{
	"wss://test.mosquitto.org:8081",
	"wss://mqtt.eclipseprojects.io/mqtt",
	"wss://broker.emqx.io:8084/mqtt",
	"wss://broker.hivemq.com:8884/mqtt",
	"wss://public.mqtthq.com:8084/mqtt",
}

// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
// RelayURLs is empty: the first two (protocol-0.18 §7.3).
const DefaultRedundancy = 2

// ErrTopicChars rejects an appId or roomId that would make an invalid MQTT
// topic: '+' and '#' are wildcards, '/' would change the topic's levels
// (docs/protocol-0.18.md §7.3, §10.13). Trystero does not check and its
// brokers then drop the connection.
var ErrTopicChars = errors.New("mqtt: app id and room id must not contain '/', '+' or '#'")

// DefaultReconnect is the broker connections' reconnect policy: MQTT.js's
// reconnectPeriod of 1 s (docs/protocol-0.18.md §7.3), doubling up to 30 s
// (MQTT.js retries every second forever, which hammers a broker that is
// down), each wait moved by up to ±25%.
var DefaultReconnect = mqttclient.DefaultReconnect

// Strategy is one MQTT strategy instance: one peer id, one room per room id,
// one broker connection per room and broker (like Trystero 0.18, which
// calls mqtt.connect per room). Broker connections reconnect after
// DefaultReconnect's waits unless Options.Reconnect says otherwise.
type Strategy struct {
	sh *engine.Shell

	mu      sync.Mutex
	sockets map[string]*mqttclient.Client // the latest client per broker URL
}

var _ posthorn.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to brokers only when a room is
// joined. nil opts means the defaults.
func New(opts *posthorn.Options) *Strategy {
	return &Strategy{sh: engine.NewShell(opts, DefaultReconnect).With025().WithPassive(), sockets: map[string]*mqttclient.Client{}}
}

// SelfID is the peer id the instance's rooms announce.
func (s *Strategy) SelfID() string { return s.sh.SelfID() }

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

// JoinRoom joins roomID and returns once its announcement reached a
// broker; peers are found in the background (see posthorn.Strategy).
// cfg.RelayURLs replaces DefaultRelayURLs; cfg.RelayRedundancy picks how
// many defaults to use.
func (s *Strategy) JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return s.sh.JoinRoom(ctx, cfg, roomID, s.start)
}

// start is the Shell's start function: one broker connection per relay
// URL, subscribing to the room's topics and announcing on every connect.
func (s *Strategy) start(es *engine.Session) error {
	v025 := es.Config().Protocol == posthorn.Protocol025
	// 0.25's topics are hashes (protocol-0.25 §4): any app and room id do.
	if !v025 && (strings.ContainsAny(es.Config().AppID, "/+#") || strings.ContainsAny(es.RoomID(), "/+#")) {
		return ErrTopicChars
	}
	// 0.18 announces the raw selfId bytes (§7.3); 0.25 Topics ignores the
	// codec and sends {"peerId":…}.
	topics, err := engine.NewTopics(es, engine.TopicOptions{Codec: engine.RawID})
	if err != nil {
		return err
	}
	root, self := topics.RootTopic(), topics.SelfTopic()
	// On every connect: subscribe root, subscribe self, then announce
	// (protocol-0.18 §7.3); 0.25 subscribes self first (the 0.25 capture,
	// protocol-0.25 §11.3). Topics publishes the announcement in Ready.
	order := []string{root, self}
	urls := engine.Relays(es.Config(), DefaultRelayURLs, DefaultRedundancy)
	if v025 {
		order = []string{self, root}
		urls = engine.Relays(es.Config(), relays.MQTT.URLs, relays.MQTT.Redundancy)
	}
	if es.Config().Passive {
		// A quiet passive room listens on the root topic only; it takes
		// its self topic once it becomes active (protocol-0.25 §6.5).
		order = []string{root}
	}
	log := es.Log()
	opts := mqttclient.Options{Reconnect: s.sh.Reconnect(), Logger: log}
	var clients []*mqttclient.Client
	for _, url := range urls {
		c := mqttclient.New(url, opts)
		for _, tp := range order {
			c.Subscribe(context.Background(), tp, func(p []byte) { topics.Deliver(c, tp, p) })
		}
		c.OnConnect(func(ctx context.Context) {
			if err := topics.Ready(ctx, c); err != nil {
				log.Debug("mqtt announce failed", "broker", url, "err", err)
			}
		})
		c.OnDisconnect(func() { topics.Forget(c) })
		// A broker that refuses us (CONNACK return code, failed SUBACK) or
		// cannot be reached: the reason JoinRoom gives if no broker ever
		// takes the announcement. The client logs it and keeps retrying.
		c.OnError(func(err error) { es.RelayFailed(url, err) })
		clients = append(clients, c)
	}
	if es.Config().Passive {
		// The self topic's SUBSCRIBE is written before the room's
		// announcement and nudge, without waiting for the SUBACK (as
		// MQTT.js), so the offer they call for finds it in place.
		topics.OnActivate(func() {
			for _, c := range clients {
				failed := func(err error) { log.Debug("mqtt: subscribing the self topic failed", "broker", c.URL(), "err", err) }
				acked, err := c.SubscribeSent(es.Context(), self, func(p []byte) { topics.Deliver(c, self, p) })
				if err != nil {
					failed(err)
					continue
				}
				go func() {
					if err := acked(es.Context()); err != nil {
						failed(err)
					}
				}()
			}
		})
	}
	// MQTT.js client.end() on every broker when the room is left (§7.3).
	es.OnStop(func() {
		for _, c := range clients {
			c.Close()
		}
	})
	s.mu.Lock()
	for _, c := range clients {
		s.sockets[c.URL()] = c
	}
	s.mu.Unlock()
	for _, c := range clients {
		c.Start()
	}
	return nil
}

// Close leaves every room joined through the instance: their peer
// connections close (remote peers see us leave) and so do their broker
// connections.
func (s *Strategy) Close() { s.sh.LeaveAll() }

var defaultStrategy = sync.OnceValue(func() *Strategy {
	return New(&posthorn.Options{SelfID: engine.SelfID})
})

// JoinRoom joins roomID with the default instance (Trystero's joinRoom).
func JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return defaultStrategy().JoinRoom(ctx, cfg, roomID)
}

// SelfID is the default instance's peer id, shared by every strategy's
// default instance in the process (Trystero's selfId).
func SelfID() string { return engine.SelfID }

// RelaySockets reports the default instance's broker connections
// (Trystero's getRelaySockets).
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
