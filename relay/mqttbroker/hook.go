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
// levels, subscriptions per client, publish rate, no persistent sessions,
// and outgoing queues bounded in bytes (see fanOut).
type limitHook struct {
	mqtt.HookBase
	cfg      Config
	mochi    *mqtt.Server
	counters *wsconn.Counters // QueueDrops, RateLimited and Refused

	mu      sync.RWMutex
	clients map[string]*clientState // by client ID
}

// clientState is what limitHook keeps per connected client.
type clientState struct {
	limiter *rate.Limiter
	out     *outQueue
}

func newLimitHook(cfg Config, mochi *mqtt.Server, counters *wsconn.Counters) *limitHook {
	return &limitHook{cfg: cfg, mochi: mochi, counters: counters, clients: map[string]*clientState{}}
}

func (*limitHook) ID() string { return "posthorn-limits" }

func (*limitHook) Provides(b byte) bool {
	return bytes.Contains([]byte{
		mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnACLCheck,
		mqtt.OnSubscribe, mqtt.OnPublish, mqtt.OnDisconnect,
	}, []byte{b})
}

// OnConnect makes every session clean: nothing is kept once the client
// leaves (MQTT 3 clean=false, MQTT 5 session expiry > 0). Its will message
// is dropped: mochi would publish it outside the client's queue, or hold it
// for a delay of the client's choosing.
func (h *limitHook) OnConnect(cl *mqtt.Client, _ packets.Packet) error {
	cl.Properties.Clean = true
	cl.Properties.Props.SessionExpiryInterval = 0
	cl.Properties.Props.SessionExpiryIntervalFlag = false
	cl.Properties.Will = mqtt.Will{}
	st := &clientState{
		limiter: rate.NewLimiter(rate.Limit(h.cfg.PublishesPerSecond), h.cfg.PublishBurst),
		out:     newOutQueue(cl, h.mochi.Info, h.cfg.MaxPendingBytes),
	}
	h.mu.Lock()
	h.clients[cl.ID] = st // a client taking over an ID replaces the old one
	h.mu.Unlock()
	return nil
}

func (*limitHook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

func (h *limitHook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.mu.Lock()
	st := h.clients[cl.ID]
	if st != nil && st.out.cl == cl {
		delete(h.clients, cl.ID)
	}
	h.mu.Unlock()
	if st != nil && st.out.cl == cl {
		st.out.close()
	}
}

// state returns cl's state, or nil if cl is not (or no longer) the
// connected client of its ID.
func (h *limitHook) state(cl *mqtt.Client) *clientState {
	h.mu.RLock()
	st := h.clients[cl.ID]
	h.mu.RUnlock()
	if st == nil || st.out.cl != cl {
		return nil
	}
	return st
}

// queue returns the outgoing queue of the connected client id, or nil.
func (h *limitHook) queue(id string) *outQueue {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if st := h.clients[id]; st != nil {
		return st.out
	}
	return nil
}

// OnACLCheck refuses topics and filters that are too long or too deep,
// before mochi matches them against its topic tree, and subscriptions to
// mochi's $SYS topics, which it would deliver outside the client's queue
// (they also tell anyone the broker's load).
func (h *limitHook) OnACLCheck(_ *mqtt.Client, topic string, write bool) bool {
	if len(topic) <= h.cfg.MaxTopicBytes && strings.Count(topic, "/") < h.cfg.MaxTopicLevels &&
		(write || !strings.Contains(topic, mqtt.SysPrefix)) {
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

// OnPublish drops publishes over the client's rate limit and delivers the
// others itself (fanOut); mochi is told to deliver nothing.
func (h *limitHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	st := h.state(cl)
	if st == nil { // taken over by a client with the same ID
		return pk, packets.ErrRejectPacket
	}
	if !st.limiter.Allow() {
		h.counters.RateLimited.Add(1)
		return pk, packets.ErrRejectPacket
	}
	h.fanOut(pk)
	return pk, packets.CodeSuccessIgnore
}
