package nostr

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/signal"
)

const (
	// subIDLen is the length of Trystero's subscription ids (wire-0.18 §2, §7.2).
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
	// maxResubscribeDelay caps the doubling wait before re-sending a
	// subscription that the relay CLOSED (see Options.ResubscribeDelay).
	maxResubscribeDelay = 2 * time.Minute
)

// permanentClosedPrefixes are NIP-01's machine-readable CLOSED reasons that
// asking again on the same connection cannot change: the relay wants
// authentication (NIP-42, which Trystero does not do) or refuses us.
var permanentClosedPrefixes = []string{"auth-required:", "restricted:", "blocked:"}

// join creates the room's topic session and hooks it to every relay socket.
func (s *Strategy) join(cfg signal.Config, roomID string, forget func()) (*posthorn.Room, error) {
	log := cfg.Logger
	if log == nil {
		log = s.log
	}
	rootSub, selfSub := ids.New(subIDLen), ids.New(subIDLen)
	urls := cfg.Relays(DefaultRelayURLs, DefaultRedundancy)
	socks := make([]*socket.Socket, len(urls))
	for i, u := range urls {
		socks[i] = s.pool.Get(u)
	}
	tc := s.tuning
	tc.AppID, tc.RoomID, tc.SelfID = cfg.AppID, roomID, s.selfID
	tc.Password, tc.RTCConfig, tc.Logger = cfg.Password, cfg.RTCConfig, log
	tc.Codec = engine.JSONID                            // content = JSON.stringify(selfId) (§7.2)
	tc.Quirks = engine.Quirks{OffersNotDecrypted: true} // JS answerers do not decrypt (§3, §7.2)
	var rrs []*roomRelay
	tc.OnLeave = func() {
		forget()
		for _, rr := range rrs {
			rr.stop()
		}
		for _, sock := range socks {
			// Trystero closes both subscriptions and keeps the socket (§7.2).
			ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
			_ = sock.Send(ctx, closeMessage(rootSub))
			_ = sock.Send(ctx, closeMessage(selfSub))
			cancel()
			sock.Remove(rootSub)
		}
	}
	sess, err := engine.New(tc)
	if err != nil {
		return nil, err
	}
	for _, sock := range socks {
		s.watch(sock)
		rr := &roomRelay{s: s, sess: sess, sock: sock, rootSub: rootSub, selfSub: selfSub, log: log.With("relay", sock.URL()),
			retry: map[string]*time.Timer{}, delay: map[string]time.Duration{}}
		rrs = append(rrs, rr)
		sock.OnMessage(rootSub, rr.receive)
		sock.OnOpen(rootSub, rr.open)
	}
	return sess.Room(), nil
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
	log := s.log.With("relay", sock.URL())
	sock.OnMessage(watcherKey, func(b []byte) {
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
	sess             *engine.Session
	sock             *socket.Socket
	rootSub, selfSub string
	log              *slog.Logger

	mu    sync.Mutex
	left  bool
	retry map[string]*time.Timer   // pending re-subscriptions by sub id
	delay map[string]time.Duration // next re-subscription delay by sub id
}

// topicOf returns the topic of one of the room's subscription ids, or "".
func (r *roomRelay) topicOf(sub string) string {
	switch sub {
	case r.rootSub:
		return r.sess.RootTopic()
	case r.selfSub:
		return r.sess.SelfTopic()
	}
	return ""
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

// Publish signs content as a kind-29333 event tagged with topic and sends it
// on this relay only.
func (r *roomRelay) Publish(ctx context.Context, tp string, payload []byte) error {
	ev, err := newEvent(r.s.keys, tp, string(payload))
	if err != nil {
		return err
	}
	msg, err := eventMessage(ev)
	if err != nil {
		return err
	}
	return r.sock.Send(ctx, msg)
}

// open runs on every (re)connection: subscribe to the root and self topics,
// then announce (wire-0.18 §7.2 "Subscriptions"; posthorn repeats this after
// every reconnection).
func (r *roomRelay) open() {
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	for _, m := range [][]byte{r.req(r.rootSub), r.req(r.selfSub)} {
		if err := r.sock.Send(ctx, m); err != nil {
			r.log.Debug("subscribe failed", "err", err)
			return
		}
	}
	if err := r.sess.Ready(ctx, r); err != nil {
		r.log.Debug("announce failed", "err", err)
	}
}

// req is the REQ of one of the room's subscriptions (§7.2), with since
// sinceSlack in the past.
func (r *roomRelay) req(sub string) []byte {
	return reqMessage(sub, r.topicOf(sub), time.Now().Add(-sinceSlack).Unix())
}

// closed handles the relay's CLOSED for one of our subscriptions (NIP-01).
// Trystero 0.18 ignores it and so stays deaf on that relay until the page
// reloads. posthorn asks again after Options.ResubscribeDelay, doubling up
// to maxResubscribeDelay, unless the reason is one a retry cannot fix; a
// reconnection resubscribes in any case.
func (r *roomRelay) closed(sub, reason string) {
	for _, p := range permanentClosedPrefixes {
		if strings.HasPrefix(reason, p) {
			r.log.Warn("relay refused a subscription; not asking again on this connection", "topic", r.topicOf(sub), "reason", reason)
			return
		}
	}
	r.mu.Lock()
	if r.left || r.retry[sub] != nil {
		r.mu.Unlock()
		return
	}
	d := r.delay[sub]
	if d == 0 {
		d = r.s.resubscribeDelay
	}
	r.delay[sub] = min(2*d, maxResubscribeDelay)
	r.retry[sub] = time.AfterFunc(d, func() { r.resubscribe(sub) })
	r.mu.Unlock()
	r.log.Warn("relay closed a subscription; subscribing again", "topic", r.topicOf(sub), "reason", reason, "in", d)
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
// after checking what Trystero does not: the kind, that the x tag is the
// subscription's topic (a relay may ignore tag filters), and the id and
// signature. Anything else is dropped.
func (r *roomRelay) receive(b []byte) {
	m, err := parseRelayMessage(b)
	if err != nil {
		return // logged once by the strategy's watcher
	}
	want := r.topicOf(m.SubID)
	switch {
	case want == "":
		return
	case m.Type == "CLOSED":
		r.closed(m.SubID, m.Message)
		return
	case m.Type == "EOSE": // the subscription is in place
		r.mu.Lock()
		delete(r.delay, m.SubID)
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
	if tp, _ := ev.Tag(TagName); ev.Kind != Kind || tp != want {
		r.log.Debug("dropping event for another topic", "kind", ev.Kind, "topic", tp)
		return
	}
	if err := ev.Verify(); err != nil {
		r.log.Warn("dropping unverifiable event", "err", err)
		return
	}
	r.sess.Deliver(r, want, []byte(ev.Content))
}
