package engine

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
)

// Session runs the topic strategy for one joined room. Create it with New.
type Session struct {
	cfg   Config
	log   *slog.Logger
	room  *posthorn.Room
	cbc   *crypt.CBC // nil without password
	root  string
	self  string
	ctx   context.Context // cancelled when the room is left
	stopF context.CancelFunc

	mu       sync.Mutex
	stopped  bool
	relays   map[string]Relay      // ready relays by URL, announced to periodically
	attempts map[string][]*attempt // live attempts by remote peer id
	loopOnce sync.Once
}

// New validates cfg and returns a Session with a fresh Room. Nothing is
// published until the strategy calls Ready.
func New(cfg Config) (*Session, error) {
	switch {
	case cfg.AppID == "" || strings.Contains(cfg.AppID, "/"):
		return nil, fmt.Errorf("%w: AppID must be non-empty and free of '/'", ErrConfig)
	case cfg.RoomID == "" || strings.Contains(cfg.RoomID, "/"):
		return nil, fmt.Errorf("%w: RoomID must be non-empty and free of '/'", ErrConfig)
	case !ValidID(cfg.SelfID):
		return nil, fmt.Errorf("%w: SelfID %q is not a valid peer id", ErrConfig, cfg.SelfID)
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{
		cfg:      cfg,
		log:      cfg.Logger.With("room", cfg.RoomID, "self", cfg.SelfID),
		root:     RootTopic(cfg.AppID, cfg.RoomID),
		self:     PeerTopic(cfg.AppID, cfg.RoomID, cfg.SelfID),
		ctx:      ctx,
		stopF:    cancel,
		relays:   map[string]Relay{},
		attempts: map[string][]*attempt{},
	}
	if cfg.Password != "" {
		s.cbc = crypt.NewCBC(cfg.Password, cfg.RoomID) // key: password + ":" + roomId (§3)
	}
	ro := cfg.Room
	ro.SelfID = cfg.SelfID
	if ro.Logger == nil {
		ro.Logger = cfg.Logger
	}
	ro.OnLeave = s.stop
	s.room = posthorn.New(ro)
	return s, nil
}

// Room returns the session's room.
func (s *Session) Room() *posthorn.Room { return s.room }

// RootTopic returns trystero/<appId>/<roomId>, to subscribe to.
func (s *Session) RootTopic() string { return s.root }

// SelfTopic returns trystero/<appId>/<roomId>/<selfId>, to subscribe to.
func (s *Session) SelfTopic() string { return s.self }

// Ready tells the session that r is connected and subscribed to both topics
// (again, after a reconnection): it announces on r now and, from then on,
// every AnnounceInterval. It returns the publish error, or ErrLeft.
func (s *Session) Ready(ctx context.Context, r Relay) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return ErrLeft
	}
	s.relays[r.URL()] = r
	s.mu.Unlock()
	if s.cfg.AnnounceInterval > 0 {
		s.loopOnce.Do(func() { go s.announceLoop() })
	}
	return s.announce(ctx, r)
}

// Forget removes r from the periodic announcements until its next Ready,
// e.g. when its connection dropped. Optional: failed publishes are only logged.
func (s *Session) Forget(r Relay) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.relays[r.URL()] == r {
		delete(s.relays, r.URL())
	}
}

func (s *Session) announce(ctx context.Context, r Relay) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := r.Publish(ctx, s.root, s.cfg.Codec.EncodeID(s.cfg.SelfID)); err != nil {
		s.log.Debug("announce failed", "relay", r.URL(), "err", err)
		return err
	}
	return nil
}

func (s *Session) announceLoop() {
	t := time.NewTicker(s.cfg.AnnounceInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.mu.Lock()
		rs := make([]Relay, 0, len(s.relays))
		for _, r := range s.relays {
			rs = append(rs, r)
		}
		s.mu.Unlock()
		for _, r := range rs {
			_ = s.announce(s.ctx, r)
		}
	}
}

// Deliver hands the session a message received through r on topic (the
// root or self topic; others are ignored). Malformed payloads are logged and
// dropped.
func (s *Session) Deliver(r Relay, topic string, payload []byte) {
	if s.ctx.Err() != nil {
		return
	}
	switch topic {
	case s.root:
		id, err := s.cfg.Codec.DecodeID(payload)
		if err != nil {
			s.log.Warn("dropping announcement", "relay", r.URL(), "err", err)
			return
		}
		s.onAnnounce(r, id)
	case s.self:
		m, err := parseMessage(payload)
		if err != nil {
			s.log.Warn("dropping signal", "relay", r.URL(), "err", err)
			return
		}
		if m.Answer != nil {
			s.onAnswer(r, m.PeerID, m.Answer.SDP)
		} else {
			s.onOffer(r, m.PeerID, m.Offer.SDP)
		}
	default:
		s.log.Debug("ignoring message on foreign topic", "relay", r.URL(), "topic", topic)
	}
}

// stop is the room's OnLeave: no more announcements or attempts.
func (s *Session) stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	var pending []*attempt
	for _, as := range s.attempts {
		pending = append(pending, as...)
	}
	s.relays = map[string]Relay{}
	s.mu.Unlock()
	s.stopF()
	for _, a := range pending {
		a.close()
	}
	if s.cfg.OnLeave != nil {
		s.cfg.OnLeave()
	}
}

func (s *Session) encrypt(sdp string) (string, error) {
	if s.cbc == nil {
		return sdp, nil
	}
	return s.cbc.Encrypt(sdp)
}

func (s *Session) decrypt(sdp string) (string, error) {
	if s.cbc == nil {
		return sdp, nil
	}
	return s.cbc.Decrypt(sdp)
}
