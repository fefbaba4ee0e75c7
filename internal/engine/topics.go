package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn/internal/v025/topic"
)

// Relay is one signalling relay (a Nostr relay socket, an MQTT broker
// client, ...) as a room's Topics sees it. Subscribing is the strategy's
// business; Topics only publishes.
type Relay interface {
	// URL identifies the relay in logs and keys the relay set.
	URL() string
	// Publish sends payload on topic through this relay only.
	Publish(ctx context.Context, topic string, payload []byte) error
}

// Quirks are per-strategy deviations of the JS peers a strategy talks to.
type Quirks struct {
	// OffersNotDecrypted: JS answerers of this strategy do not decrypt
	// offers (nostr 0.18, docs/protocol-0.18.md §3, §7.2). With a password,
	// an offer still unanswered after the nudge delay is followed by a
	// re-announcement on its relay so that the JS peer offers instead (see
	// the package doc).
	OffersNotDecrypted bool
}

// TopicOptions are what a topic strategy adds to its rooms' sessions.
type TopicOptions struct {
	// Codec encodes announcements; nil means RawID (mqtt). Nostr uses JSONID.
	Codec Codec
	// Quirks of the strategy's JS peers.
	Quirks Quirks
	// NudgeDelay is how long an offer may go unanswered before it is taken
	// as lost (glare, Quirks.OffersNotDecrypted); 0 means DefaultNudgeDelay.
	NudgeDelay time.Duration
}

// ErrSlash rejects an appId or roomId that would change a topic's levels.
var ErrSlash = errors.New("posthorn: app id and room id must not contain '/' on this strategy")

// publishTimeout bounds one publish.
const publishTimeout = 10 * time.Second

// Topics runs the topic strategy for one room's Session (see the package
// doc): announcements on the root topic, offers and answers on the peers'
// self topics.
type Topics struct {
	s     *Session
	codec Codec
	quirk Quirks
	root  string
	self  string

	mu       sync.Mutex
	relays   map[string]Relay // ready relays by URL, announced to periodically
	loopOnce sync.Once
	// Protocol025: each ready relay's place in the announce schedule
	// (schedule025.go)
	sched map[string]*announcer
	// Passive rooms (passive025.go): active while they take part; grace
	// is the timer of the check that makes them quiet again.
	active     bool
	grace      Timer
	graceGen   int
	onActivate []func()
}

// NewTopics starts the topic strategy on s. Nothing is published until the
// strategy calls Ready.
func NewTopics(s *Session, o TopicOptions) (*Topics, error) {
	app := s.cfg.AppID
	if !s.is025() && (strings.Contains(app, "/") || strings.Contains(s.roomID, "/")) {
		return nil, ErrSlash
	}
	if o.Codec == nil {
		o.Codec = RawID
	}
	root, self := RootTopic(app, s.roomID), PeerTopic(app, s.roomID, s.selfID)
	if s.is025() {
		o.Codec = announce025{passive: s.cfg.Passive}
		root, self = topic.ForRoom(app, s.roomID).Root, topic.ForRoom(app, s.roomID).Peer(s.selfID)
	}
	s.mu.Lock()
	s.nudge = o.NudgeDelay
	s.mu.Unlock()
	t := &Topics{
		s:      s,
		codec:  o.Codec,
		quirk:  o.Quirks,
		root:   root,
		self:   self,
		relays: map[string]Relay{},
		sched:  map[string]*announcer{},
		active: !s.cfg.Passive,
	}
	s.OnStop(func() {
		t.mu.Lock()
		t.relays = map[string]Relay{}
		t.stopScheduleLocked()
		if t.grace != nil {
			t.grace.Stop()
		}
		t.mu.Unlock()
	})
	s.OnReannounce(t.announceAll)
	if s.is025() && !s.cfg.Passive {
		s.OnRequeue(t.requeue) // a passive room does not announce for a lost peer
	}
	return t, nil
}

// Session is the room's session.
func (t *Topics) Session() *Session { return t.s }

// RootTopic returns the room's root topic, to subscribe to:
// trystero/<appId>/<roomId> (0.18), the hashed topic of protocol-0.25 §4
// (0.25).
func (t *Topics) RootTopic() string { return t.root }

// SelfTopic returns our own topic in the room, to subscribe to:
// trystero/<appId>/<roomId>/<selfId> (0.18), hashed (0.25).
func (t *Topics) SelfTopic() string { return t.self }

// Ready tells the session that r is connected and subscribed to both topics
// (again, after a reconnection): it announces on r now and, from then on,
// every AnnounceInterval (0.18) or on the Schedule of 0.25.4 (0.25). It
// returns the publish error.
func (t *Topics) Ready(ctx context.Context, r Relay) error {
	if t.s.Stopped() {
		return nil
	}
	t.mu.Lock()
	t.relays[r.URL()] = r
	t.mu.Unlock()
	if t.s.is025() {
		return t.start025(ctx, r)
	}
	t.loopOnce.Do(func() { go t.announceLoop() })
	return t.announce(ctx, r)
}

// Forget removes r from the periodic announcements until its next Ready,
// e.g. when its connection dropped.
func (t *Topics) Forget(r Relay) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.relays[r.URL()] == r {
		delete(t.relays, r.URL())
	}
	if a := t.sched[r.URL()]; a != nil && a.r == r {
		a.stop()
		delete(t.sched, r.URL())
	}
}

func (t *Topics) announce(ctx context.Context, r Relay) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := r.Publish(ctx, t.root, t.codec.EncodeID(t.s.selfID)); err != nil {
		t.s.log.Debug("announce failed", "relay", r.URL(), "err", err)
		t.s.RelayFailed(r.URL(), err)
		return err
	}
	t.s.Joined()
	return nil
}

func (t *Topics) announceLoop() {
	tick := time.NewTicker(t.s.cfg.AnnounceInterval)
	defer tick.Stop()
	for {
		select {
		case <-t.s.ctx.Done():
			return
		case <-tick.C:
		}
		t.announceAll()
	}
}

// announceAll announces on every ready relay, unless the room is a quiet
// passive one.
func (t *Topics) announceAll() {
	t.mu.Lock()
	if !t.active {
		t.mu.Unlock()
		return
	}
	rs := make([]Relay, 0, len(t.relays))
	for _, r := range t.relays {
		rs = append(rs, r)
	}
	t.mu.Unlock()
	for _, r := range rs {
		_ = t.announce(t.s.ctx, r)
	}
}

// Deliver hands the session a message received through r on topic (the
// root or self topic; others are ignored). Malformed payloads are logged and
// dropped.
func (t *Topics) Deliver(r Relay, topic string, payload []byte) {
	if t.s.ctx.Err() != nil {
		return
	}
	if t.s.is025() {
		t.deliver025(r, topic, payload)
		return
	}
	switch topic {
	case t.root:
		id, err := t.codec.DecodeID(payload)
		if err != nil {
			t.s.log.Warn("dropping announcement", "relay", r.URL(), "err", err)
			return
		}
		t.onAnnounce(r, id)
	case t.self:
		m, err := parseMessage(payload)
		if err != nil {
			t.s.log.Warn("dropping signal", "relay", r.URL(), "err", err)
			return
		}
		switch {
		case m.PeerID == t.s.selfID:
		case m.Answer != nil:
			if a := t.s.Outstanding(m.PeerID); a != nil {
				t.s.Accept(a, m.PeerID, m.Answer.SDP)
			} else {
				t.s.log.Debug("ignoring answer without an outstanding offer", "peer", m.PeerID, "relay", r.URL())
			}
		default:
			t.s.Answer(m.PeerID, m.Offer.SDP, t.sender(r, m.PeerID, false), nil)
		}
	default:
		t.s.log.Debug("ignoring message on foreign topic", "relay", r.URL(), "topic", topic)
	}
}

// onAnnounce: an unknown, unconnected peer without a pending attempt gets
// our offer on the relay it announced on (§7.2 receive rules).
func (t *Topics) onAnnounce(r Relay, id string) {
	if id == t.s.selfID {
		return // the relay echoes our own announcement
	}
	if t.s.Offer(id, t.sender(r, id, true), nil) != nil {
		t.s.log.Debug("offering to announced peer", "peer", id, "relay", r.URL())
	}
}

// sender publishes our offer or answer to the remote's self topic on the
// trigger's relay only (§7.2 "Consequences for a Go peer").
func (t *Topics) sender(r Relay, remote string, initiator bool) func(sdp string) error {
	typ := "answer"
	if initiator {
		typ = "offer"
	}
	return func(sdp string) error {
		payload := encodeMessage(t.s.selfID, typ, sdp)
		ctx, cancel := context.WithTimeout(t.s.ctx, publishTimeout)
		err := r.Publish(ctx, PeerTopic(t.s.cfg.AppID, t.s.roomID, remote), payload)
		cancel()
		if err != nil {
			return fmt.Errorf("publish on %s: %w", r.URL(), err)
		}
		if initiator && t.s.cbc != nil && t.quirk.OffersNotDecrypted {
			time.AfterFunc(t.s.nudgeDelay(), func() { t.nudge(r, remote) })
		}
		return nil
	}
}

// nudge re-announces on the offer's relay if the offer to remote is still
// unanswered (Quirks.OffersNotDecrypted; see the package doc).
func (t *Topics) nudge(r Relay, remote string) {
	if t.s.Outstanding(remote) == nil || t.s.Stopped() {
		return
	}
	t.s.log.Debug("offer unanswered; re-announcing so the peer can offer", "peer", remote, "relay", r.URL())
	_ = t.announce(t.s.ctx, r)
}

// RootTopic is the room's announcement topic, trystero/<appId>/<roomId>
// (§7.2, §7.3; "trystero" lowercase).
func RootTopic(appID, roomID string) string { return "trystero/" + appID + "/" + roomID }

// PeerTopic is the self topic of peer id: where offers and answers for it go.
func PeerTopic(appID, roomID, id string) string { return RootTopic(appID, roomID) + "/" + id }

// ValidID reports whether id is acceptable as a remote peer id: 1–64
// printable ASCII characters without '/', '+' or '#', which would break
// topics (§2, §10.13). 0.18 ids are 20 alphabet characters.
func ValidID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f || c == '/' || c == '+' || c == '#' {
			return false
		}
	}
	return true
}

// maxIDLen bounds a remote peer id; 0.18 ids are 20 characters (§2).
const maxIDLen = 64

// ErrPayload reports a malformed announcement or signal payload.
var ErrPayload = errors.New("engine: malformed payload")
