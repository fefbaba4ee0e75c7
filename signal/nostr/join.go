package nostr

import (
	"context"
	"log/slog"
	"time"

	"github.com/posthorn/posthorn/ids"
	"github.com/posthorn/posthorn/room"
	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/socket"
	"github.com/posthorn/posthorn/signal/topic"
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
)

// join creates the room's topic session and hooks it to every relay socket.
func (s *Strategy) join(cfg signal.Config, roomID string, forget func()) (*room.Room, error) {
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
	tc.Codec = topic.JSONID                            // content = JSON.stringify(selfId) (§7.2)
	tc.Quirks = topic.Quirks{OffersNotDecrypted: true} // JS answerers do not decrypt (§3, §7.2)
	tc.OnLeave = func() {
		forget()
		for _, sock := range socks {
			// Trystero closes both subscriptions and keeps the socket (§7.2).
			ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
			_ = sock.Send(ctx, closeMessage(rootSub))
			_ = sock.Send(ctx, closeMessage(selfSub))
			cancel()
			sock.Remove(rootSub)
		}
	}
	sess, err := topic.New(tc)
	if err != nil {
		return nil, err
	}
	for _, sock := range socks {
		s.watch(sock)
		rr := &roomRelay{s: s, sess: sess, sock: sock, rootSub: rootSub, selfSub: selfSub, log: log.With("relay", sock.URL())}
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
		case m.Type == "CLOSED":
			log.Info("relay closed a subscription", "sub", m.SubID, "msg", m.Message)
		}
	})
}

// roomRelay is one relay as one room sees it; it implements topic.Relay.
type roomRelay struct {
	s                *Strategy
	sess             *topic.Session
	sock             *socket.Socket
	rootSub, selfSub string
	log              *slog.Logger
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
	since := time.Now().Add(-sinceSlack).Unix()
	for _, m := range [][]byte{
		reqMessage(r.rootSub, r.sess.RootTopic(), since),
		reqMessage(r.selfSub, r.sess.SelfTopic(), since),
	} {
		if err := r.sock.Send(ctx, m); err != nil {
			r.log.Debug("subscribe failed", "err", err)
			return
		}
	}
	if err := r.sess.Ready(ctx, r); err != nil {
		r.log.Debug("announce failed", "err", err)
	}
}

// receive routes an EVENT of one of the room's subscriptions to the session,
// after checking what Trystero does not: the kind, that the x tag is the
// subscription's topic (a relay may ignore tag filters), and the id and
// signature. Anything else is dropped.
func (r *roomRelay) receive(b []byte) {
	m, err := parseRelayMessage(b)
	if err != nil || m.Type != "EVENT" {
		return // logged once by the strategy's watcher
	}
	var want string
	switch m.SubID {
	case r.rootSub:
		want = r.sess.RootTopic()
	case r.selfSub:
		want = r.sess.SelfTopic()
	default:
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
