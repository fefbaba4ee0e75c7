package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/lazyattrs"
	"github.com/posthorn/posthorn/internal/roomlink"
)

// SessionConfig is what a Session runs with.
type SessionConfig struct {
	posthorn.Config
	// RoomID is the room's name; required.
	RoomID string
	// SelfID is our peer id; required.
	SelfID string
	// Trickle makes the attempts trickle ICE: every signal of an attempt
	// (offer or answer, then each candidate) crosses the relay as a whole
	// sealed signal until the peer connects; see Session.Signal. Only the
	// firebase strategy does this (docs/protocol-0.18.md §7.4).
	Trickle bool
	// Speaks025 says that the strategy runs Protocol025 rooms; without it
	// NewSession refuses them with ErrProtocol.
	Speaks025 bool
	// Whole025 makes a Protocol025 room's attempts send one sealed SDP with
	// every candidate instead of trickling (torrent, whose trickleIce is
	// off in 0.25, protocol-0.25 §11.1).
	Whole025 bool
	// Passive025 says that the strategy runs passive Protocol025 rooms
	// (Config.Passive); without it NewSession refuses them with
	// ErrProtocol.
	Passive025 bool
}

// Session is one joined room's matchmaking, whatever the strategy: the room
// itself, its password key, its connection attempts (attempt.go) and its
// lifecycle. The strategy's start function connects it to relays and feeds
// it what they deliver; the Session creates the peers, seals and opens the
// session descriptions, applies the attempt cap, timeout and glare rule, and
// hands connected peers to the room.
type Session struct {
	cfg    posthorn.Config // defaults applied
	roomID string
	selfID string
	log    *slog.Logger
	room   *posthorn.Room
	cbc    *crypt.CBC // nil without a password
	// gcm is set on Protocol025 rooms, whose signals are always sealed
	// (protocol-0.25 §3.1); see session025.go.
	gcm     *crypt.GCM
	trickle bool
	ctx     context.Context // cancelled when the room is left
	cancel  context.CancelFunc
	forget  func() // drops the room from its instance's set; set by rooms

	joinOnce sync.Once
	joined   chan struct{} // closed by Joined

	mu       sync.Mutex
	nudge    time.Duration // see glareLocked; set by NewTopics
	stopped  bool
	attempts map[string][]*Attempt // live attempts by remote id; anonymous offers under ""
	// handoff counts, by remote id, 0.25 connections that left attempts
	// but that the room has not adopted as shared connections yet
	// (Attempt.connect): the remote counts as connected meanwhile.
	handoff  map[string]int
	relayErr string // the latest relay failure, for JoinRoom's error
	onStop   []func()

	// complaints limits the log lines about session descriptions that do
	// not decrypt, which anyone on a relay can send.
	complaints rate.Sometimes
	// recover.go: announcing again after a peer became unreachable
	reannounce []func()
	requeue    []func()        // OnRequeue
	lost       map[string]bool // unreachable peers not back yet
	recovering bool            // recoverLost is running

	announceSet bool      // Config.AnnounceInterval was set (Schedule)
	after       AfterFunc // the announce timers' clock; RealAfter but in tests
}

// NewSession checks c and returns a Session with a fresh room.
func NewSession(c SessionConfig) (*Session, error) {
	switch {
	case c.AppID == "":
		return nil, posthorn.ErrNoAppID
	case c.RoomID == "":
		return nil, posthorn.ErrNoRoomID
	case c.SelfID == "":
		return nil, fmt.Errorf("engine: no self id")
	}
	if err := checkProtocol(c.Protocol, c.Speaks025); err != nil {
		return nil, err
	}
	if err := checkPassive(c); err != nil {
		return nil, err
	}
	cfg := withDefaults(c.Config)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{
		cfg:      cfg,
		roomID:   c.RoomID,
		selfID:   c.SelfID,
		trickle:  c.Trickle,
		log:      lazyattrs.With(cfg.Logger, slog.String("room", c.RoomID), slog.String("self", c.SelfID)),
		ctx:      ctx,
		cancel:   cancel,
		forget:   func() {},
		joined:   make(chan struct{}),
		attempts: map[string][]*Attempt{},
		handoff:  map[string]int{},

		complaints: rate.Sometimes{First: 3, Interval: time.Minute},
		lost:       map[string]bool{},

		announceSet: c.AnnounceInterval > 0,
		after:       RealAfter,
	}
	ro := roomlink.Options{
		SelfID:     c.SelfID,
		Limits:     cfg.Limits,
		Logger:     cfg.Logger,
		OnLeave:    s.stop,
		OnPeerLost: s.peerLost,
	}
	switch {
	case cfg.Protocol == posthorn.Protocol025:
		s.setup025(&ro, !c.Whole025)
	case cfg.Password != "":
		s.cbc = crypt.NewCBC(cfg.Password, c.RoomID) // key: password + ":" + roomId (§3)
	}
	s.room = roomlink.NewRoom(ro).(*posthorn.Room)
	return s, nil
}

// checkProtocol accepts the protocol versions the engine speaks: 0.18
// always, 0.25 when the strategy runs it (speaks025).
func checkProtocol(p posthorn.Protocol, speaks025 bool) error {
	switch p {
	case "", posthorn.Protocol018:
		return nil
	case posthorn.Protocol025:
		if speaks025 {
			return nil
		}
		return fmt.Errorf("%w: this strategy speaks 0.18 only", posthorn.ErrProtocol)
	}
	return fmt.Errorf("%w: unknown version %q", posthorn.ErrProtocol, string(p))
}

// Room is the session's room.
func (s *Session) Room() *posthorn.Room { return s.room }

// Config is the room's configuration, defaults applied.
func (s *Session) Config() posthorn.Config { return s.cfg }

// RoomID and SelfID name the room and us.
func (s *Session) RoomID() string { return s.roomID }

// SelfID is the id the room announces.
func (s *Session) SelfID() string { return s.selfID }

// Log is the room's logger.
func (s *Session) Log() *slog.Logger { return s.log }

// Context is cancelled when the room is left.
func (s *Session) Context() context.Context { return s.ctx }

// Joined tells the session that its announcement went out on a relay:
// JoinRoom returns.
func (s *Session) Joined() {
	s.joinOnce.Do(func() { close(s.joined) })
}

// RelayFailed records why a relay could not be used, for the error JoinRoom
// returns if no relay ever takes the announcement.
func (s *Session) RelayFailed(url string, err error) {
	s.mu.Lock()
	s.relayErr = url + ": " + err.Error()
	s.mu.Unlock()
}

func (s *Session) relayErrors() string {
	s.mu.Lock()
	last := s.relayErr
	s.mu.Unlock()
	if last == "" {
		return ""
	}
	return " (last failure: " + last + ")"
}

// OnStop registers the strategy's cleanup for when the room is left
// (unsubscribe, stop timers); cleanups run in the order registered.
func (s *Session) OnStop(f func()) {
	s.mu.Lock()
	stopped := s.stopped
	if !stopped {
		s.onStop = append(s.onStop, f)
	}
	s.mu.Unlock()
	if stopped {
		f()
	}
}

func (s *Session) nudgeDelay() time.Duration {
	if s.nudge > 0 {
		return s.nudge
	}
	return DefaultNudgeDelay
}

// Stopped reports whether the room was left.
func (s *Session) Stopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// stop is the room's OnLeave: no more attempts, the strategy's cleanups,
// and the instance forgets the room.
func (s *Session) stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	var pending []*Attempt
	for _, as := range s.attempts {
		pending = append(pending, as...)
	}
	cleanups := s.onStop
	s.onStop = nil
	s.mu.Unlock()
	s.cancel()
	for _, a := range pending {
		a.Close()
	}
	for _, f := range cleanups {
		f()
	}
	s.forget()
}

// seal encrypts an outgoing session description when the room has a
// password (docs/protocol-0.18.md §3: only the sdp is replaced).
func (s *Session) seal(sdp string) (string, error) {
	if s.gcm != nil {
		return s.gcm.Encrypt(sdp)
	}
	if s.cbc == nil {
		return sdp, nil
	}
	return s.cbc.Encrypt(sdp)
}

// wrongPassword reports a session description of kind ("offer", "answer")
// from remote that did not open: to Config.OnJoinError, and in the log
// (rate-limited).
func (s *Session) wrongPassword(remote, kind string, err error) {
	s.complaints.Do(func() {
		s.log.Warn("dropping a session description that does not decrypt (password mismatch?)",
			"peer", remote, "type", kind, "err", err)
	})
	s.joinError(remote, fmt.Errorf("%w when decrypting %s", posthorn.ErrWrongPassword, kind))
}

// open decrypts an incoming session description.
func (s *Session) open(sdp string) (string, error) {
	var out string
	var err error
	switch {
	case s.gcm != nil:
		out, err = s.gcm.Decrypt(sdp)
	case s.cbc == nil:
		return sdp, nil
	default:
		out, err = s.cbc.Decrypt(sdp)
	}
	if err == nil && out == "" {
		err = fmt.Errorf("%w: empty session description", crypt.ErrEnvelope)
	}
	return out, err
}
