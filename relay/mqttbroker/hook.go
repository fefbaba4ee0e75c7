package mqttbroker

import (
	"bytes"
	"strings"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
	"golang.org/x/time/rate"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
)

// limitHook lets every client connect anonymously and publish or subscribe
// to any topic, as the public brokers Trystero defaults to do (protocol-0.18
// §7.3: no username or password), within Config's bounds: topic length and
// levels, subscriptions per client, publish rate, and no persistent
// sessions.
type limitHook struct {
	mqtt.HookBase
	cfg      Config
	counters *wsconn.Counters // RateLimited and Refused

	mu       sync.Mutex
	limiters map[*mqtt.Client]*rate.Limiter
}

func newLimitHook(cfg Config, counters *wsconn.Counters) *limitHook {
	return &limitHook{cfg: cfg, counters: counters, limiters: map[*mqtt.Client]*rate.Limiter{}}
}

func (*limitHook) ID() string { return "posthorn-limits" }

func (*limitHook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnACLCheck,
		mqtt.OnSubscribe, mqtt.OnPublish, mqtt.OnDisconnect,
	}, []byte{b})
}

// OnConnect makes every session clean: nothing is kept once the client
// leaves (MQTT 3 clean=false, MQTT 5 session expiry > 0).
func (h *limitHook) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	cl.Properties.Clean = true
	cl.Properties.Props.SessionExpiryInterval = 0
	cl.Properties.Props.SessionExpiryIntervalFlag = false
	h.mu.Lock()
	h.limiters[cl] = rate.NewLimiter(rate.Limit(h.cfg.PublishesPerSecond), h.cfg.PublishBurst)
	h.mu.Unlock()
	return nil
}

func (*limitHook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

func (h *limitHook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	delete(h.limiters, cl)
	h.mu.Unlock()
}

// OnACLCheck refuses topics and filters that are too long or too deep,
// before mochi matches them against its topic tree.
func (h *limitHook) OnACLCheck(_ *mqtt.Client, topic string, _ bool) bool {
	if len(topic) <= h.cfg.MaxTopicBytes && strings.Count(topic, "/") < h.cfg.MaxTopicLevels {
		return true
	}
	h.counters.Refused.Add(1)
	return false
}

// OnSubscribe refuses the filters of a SUBSCRIBE that would take a client
// over MaxSubscriptions: they are emptied, which mochi answers with
// "topic filter invalid".
func (h *limitHook) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	n := cl.State.Subscriptions.Len()
	filters := make(packets.Subscriptions, len(pk.Filters))
	for i, f := range pk.Filters {
		if _, had := cl.State.Subscriptions.Get(f.Filter); !had {
			if n >= h.cfg.MaxSubscriptions {
				h.counters.Refused.Add(1)
				f.Filter = ""
			} else {
				n++
			}
		}
		filters[i] = f
	}
	pk.Filters = filters
	return pk
}

// OnPublish drops publishes over the client's rate limit.
func (h *limitHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	h.mu.Lock()
	l := h.limiters[cl]
	h.mu.Unlock()
	if l != nil && !l.Allow() {
		h.counters.RateLimited.Add(1)
		return pk, packets.ErrRejectPacket
	}
	return pk, nil
}
