package nostr

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/internal/v025/topic"
)

const (
	// subIDLen is the length of Trystero's subscription ids (protocol-0.18 §2, §7.2).
	subIDLen = 64
	// sinceSlack is subtracted from now in the REQ's since. Trystero uses
	// now exactly, which makes a relay drop the live events of a peer whose
	// clock is a little behind ours. Kind 29333 is ephemeral and not
	// stored, so nothing older is replayed.
	sinceSlack = 60 * time.Second
	// sendTimeout bounds one write to a relay socket.
	sendTimeout = 10 * time.Second
	// watcherKey is the listener key of the strategy's per-socket logger.
	watcherKey = "posthorn/nostr"
)

// permanentClosedPrefixes are NIP-01's machine-readable CLOSED reasons that
// asking again on the same connection cannot change: the relay wants
// authentication (NIP-42, which Trystero does not do) or refuses us.
var permanentClosedPrefixes = []string{"auth-required:", "restricted:", "blocked:"}

// join creates the room's topic session and hooks it to every relay socket.
// start is the Shell's start function: subscribe to the room's topics on
// every relay and announce there (§7.2 "Subscriptions").
//
// Under Protocol025 (protocol-0.25 §11.2) the relays are 0.25.4's defaults
// shuffled with the appId as seed, both topics share one subscription
// (self topic first), and each topic has its own event kind. A passive room
// (§6.5) subscribes the root topic alone until it wakes, then asks for both
// under the same subscription id, which replaces the filter (NIP-01).
func (s *Strategy) start(es *engine.Session) error {
	v025 := es.Config().Protocol == posthorn.Protocol025
	opts := engine.TopicOptions{
		Codec:      engine.JSONID,                           // content = JSON.stringify(selfId) (§7.2)
		Quirks:     engine.Quirks{OffersNotDecrypted: true}, // JS answerers do not decrypt (§3, §7.2)
		NudgeDelay: s.nudge,
	}
	if v025 {
		opts = engine.TopicOptions{NudgeDelay: s.nudge} // 0.25 Topics sends {"peerId":…}
	}
	topics, err := engine.NewTopics(es, opts)
	if err != nil {
		return err
	}
	rootSub, selfSub := ids.New(subIDLen), ids.New(subIDLen)
	urls := engine.Relays(es.Config(), DefaultRelayURLs, DefaultRedundancy)
	if v025 {
		selfSub = "" // one subscription for both topics
		if len(es.Config().RelayURLs) == 0 {
			urls = relays.Nostr.Pick(es.Config().AppID, es.Config().RelayRedundancy)
		}
	}
	log := es.Log()
	var rrs []*roomRelay
	for _, url := range urls {
		sock := s.pool.Get(url)
		s.watch(sock)
		rr := &roomRelay{s: s, topics: topics, es: es, sock: sock, rootSub: rootSub, selfSub: selfSub, v025: v025,
			passive: es.Config().Passive,
			log:     lazyattrs.With(log, slog.String("relay", url)), retry: map[string]*time.Timer{}, backoff: map[string]*socket.Backoff{}}
		rrs = append(rrs, rr)
		sock.OnMessage(rootSub, rr.receive)
		sock.OnError(rootSub, func(err error) { es.RelayFailed(url, err) })
		sock.OnOpen(rootSub, rr.open)
	}
	if es.Config().Passive {
		// The self topic's REQ is written before the room's announcement
		// and nudge, without waiting for the relay's EOSE, so the offer
		// they call for finds it in place (as MQTT's SUBSCRIBE).
		topics.OnActivate(func() {
			for _, rr := range rrs {
				rr.wake()
			}
		})
	}
	es.OnStop(func() {
		for _, rr := range rrs {
			rr.stop()
			// Trystero closes both subscriptions and keeps the socket (§7.2).
			ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
			for _, sub := range rr.subs() {
				_ = rr.sock.Send(ctx, closeMessage(sub))
			}
			cancel()
			rr.sock.Remove(rootSub)
		}
	})
	return nil
}

// watch logs the relay's rejections and notices once per socket, whatever
// the number of rooms using it.
func (s *Strategy) watch(sock *socket.Socket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watched[sock] {
		return
	}
	s.watched[sock] = true
	log := lazyattrs.With(s.sh.Log(), slog.String("relay", sock.URL()))
	sock.OnMessage(watcherKey, func(b []byte) {
		if roomsOnly(b) {
			return
		}
		m, err := parseRelayMessage(b)
		switch {
		case err != nil:
			log.Warn("malformed relay message", "err", err)
		case m.Type == "OK" && !m.OK:
			log.Warn("relay rejected event", "id", m.EventID, "msg", m.Message) // like JS (§7.2)
		case m.Type == "NOTICE":
			log.Info("relay notice", "msg", m.Message)
		case m.Type == "CLOSED": // a room's own subscription: see roomRelay.closed
			log.Debug("relay closed a subscription", "sub", m.SubID, "msg", m.Message)
		}
	})
}

// roomRelay is one relay as one room sees it; it implements engine.Relay.
type roomRelay struct {
	s                *Strategy
	topics           *engine.Topics
	es               *engine.Session
	sock             *socket.Socket
	rootSub, selfSub string // selfSub is "" under 0.25: rootSub has both topics
	v025             bool
	// passive: a passive 0.25 room, whose subscription has the self topic
	// only once woken (and keeps it, as JS does).
	passive bool
	woken   atomic.Bool
	log     *slog.Logger

	mu      sync.Mutex
	left    bool
	retry   map[string]*time.Timer     // pending re-subscriptions by sub id
	backoff map[string]*socket.Backoff // re-subscription waits by sub id
}

// subs are the room's subscription ids on the relay.
func (r *roomRelay) subs() []string {
	if r.v025 {
		return []string{r.rootSub}
	}
	return []string{r.rootSub, r.selfSub}
}

// topicsOf returns the topics of one of the room's subscription ids, or
// nil: one each under 0.18, self then root under 0.25 (protocol-0.25 §11.2).
func (r *roomRelay) topicsOf(sub string) []string {
	switch {
	case sub == "":
		return nil
	case r.v025 && sub == r.rootSub && r.passive && !r.woken.Load():
		return []string{r.topics.RootTopic()}
	case r.v025 && sub == r.rootSub && r.passive:
		// JS adds the self topic to its per-relay batch after the root.
		return []string{r.topics.RootTopic(), r.topics.SelfTopic()}
	case r.v025 && sub == r.rootSub:
		return []string{r.topics.SelfTopic(), r.topics.RootTopic()}
	case sub == r.rootSub:
		return []string{r.topics.RootTopic()}
	case sub == r.selfSub:
		return []string{r.topics.SelfTopic()}
	}
	return nil
}

// kindOf is the event kind of topic tp: 29333 for every topic under 0.18,
// one per topic under 0.25 (protocol-0.25 §4).
func (r *roomRelay) kindOf(tp string) int {
	if r.v025 {
		return topic.NostrKind(tp)
	}
	return kind
}

// stop cancels pending re-subscriptions when the room is left.
func (r *roomRelay) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.left = true
	for _, t := range r.retry {
		t.Stop()
	}
	r.retry = map[string]*time.Timer{}
}

func (r *roomRelay) URL() string { return r.sock.URL() }

// Publish signs content as an event of the topic's kind tagged with topic
// and sends it on this relay only.
func (r *roomRelay) Publish(ctx context.Context, tp string, payload []byte) error {
	ev, err := newEvent(r.s.keys, r.kindOf(tp), tp, string(payload))
	if err != nil {
		return err
	}
	return r.sock.Send(ctx, eventMessage(ev, r.v025))
}

// open runs on every (re)connection: subscribe to the root and self topics,
// then announce (protocol-0.18 §7.2 "Subscriptions"; posthorn repeats this after
// every reconnection).
func (r *roomRelay) open() {
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	for _, sub := range r.subs() {
		if err := r.sock.Send(ctx, r.req(sub)); err != nil {
			r.log.Debug("subscribe failed", "err", err)
			return
		}
	}
	if err := r.topics.Ready(ctx, r); err != nil {
		r.log.Debug("announce failed", "err", err)
	}
}

// wake adds the self topic to a passive room's subscription. The REQ is
// only written: it must not wait for the relay, whose reply the caller's
// goroutine may be the one to deliver. If the socket is down, the next
// open subscribes both topics.
func (r *roomRelay) wake() {
	if r.woken.Swap(true) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	if err := r.sock.Send(ctx, r.req(r.rootSub)); err != nil {
		r.log.Debug("subscribing the self topic failed", "err", err)
	}
}

// req is the REQ of one of the room's subscriptions (§7.2), with since
// sinceSlack in the past: its topics and their distinct kinds.
func (r *roomRelay) req(sub string) []byte {
	tps := r.topicsOf(sub)
	var kinds []int
	for _, tp := range tps {
		if k := r.kindOf(tp); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return reqMessage(sub, kinds, tps, time.Now().Add(-sinceSlack).Unix())
}

// closed handles the relay's CLOSED for one of our subscriptions (NIP-01).
// Trystero 0.18 ignores it and so stays deaf on that relay until the page
// reloads. posthorn asks again after the instance's reconnect policy's waits
// (4 s doubling up to 2 min by default), unless the reason is one a retry
// cannot fix; a reconnection resubscribes in any case.
func (r *roomRelay) closed(sub, reason string) {
	for _, p := range permanentClosedPrefixes {
		if strings.HasPrefix(reason, p) {
			r.log.Warn("relay refused a subscription; not asking again on this connection", "topics", r.topicsOf(sub), "reason", reason)
			return
		}
	}
	r.mu.Lock()
	if r.left || r.retry[sub] != nil {
		r.mu.Unlock()
		return
	}
	b := r.backoff[sub]
	if b == nil {
		b = &socket.Backoff{Policy: r.s.sh.Reconnect()}
		r.backoff[sub] = b
	}
	d := b.Next()
	r.retry[sub] = time.AfterFunc(d, func() { r.resubscribe(sub) })
	r.mu.Unlock()
	r.log.Warn("relay closed a subscription; subscribing again", "topics", r.topicsOf(sub), "reason", reason, "in", d)
}

func (r *roomRelay) resubscribe(sub string) {
	r.mu.Lock()
	delete(r.retry, sub)
	left := r.left
	r.mu.Unlock()
	if left {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	if err := r.sock.Send(ctx, r.req(sub)); err != nil {
		r.log.Debug("subscribe failed", "err", err) // the next open subscribes
	}
}

// receive routes an EVENT of one of the room's subscriptions to the session,
// after checking what Trystero does not: the kind, and that the x tag is
// the subscription's topic (a relay may ignore tag filters). Anything else
// is dropped.
func (r *roomRelay) receive(b []byte) {
	m, err := parseRelayMessage(b)
	if err != nil {
		if roomsOnly(b) {
			r.log.Debug("malformed relay message", "err", err) // the watcher skips these
		}
		return // else logged once by the strategy's watcher
	}
	want := r.topicsOf(m.SubID)
	switch {
	case want == nil:
		return
	case m.Type == "CLOSED":
		r.closed(m.SubID, m.Message)
		return
	case m.Type == "EOSE": // the subscription is in place
		r.mu.Lock()
		delete(r.backoff, m.SubID)
		r.mu.Unlock()
		return
	case m.Type != "EVENT":
		return
	}
	ev, err := parseEvent(m.Event)
	if err != nil {
		r.log.Warn("dropping malformed event", "err", err)
		return
	}
	tp, _ := ev.Tag(tagName)
	if !slices.Contains(want, tp) || ev.Kind != r.kindOf(tp) {
		r.log.Debug("dropping event for another topic", "kind", ev.Kind, "topic", tp)
		return
	}
	// The id and signature are not checked, as Trystero (0.18 and 0.25)
	// checks neither (protocol-0.18 §7.2): every session signs with a key it
	// made, bound to nothing, so a valid signature says nothing about the
	// peer id inside; relays check them anyway. In the browser a check cost
	// 2 ms per event on the join's path, and 10-20 ms the first time.
	r.topics.Deliver(r, tp, []byte(ev.Content))
}
