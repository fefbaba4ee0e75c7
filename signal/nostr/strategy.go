package nostr

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/signal"
)

// DefaultRelayURLs are Trystero 0.18's default Nostr relays, in its order
// (wire-0.18 §7.2).
var DefaultRelayURLs = []string{
	"wss://relay.nostr.net", "wss://relay.blackbyte.nl", "wss://relay.piazza.today", "wss://relay.exit.pub",
	"wss://relay.nostr.band", "wss://relay.damus.io", "wss://nostr.mom", "wss://relay.snort.social",
	"wss://nostr.lu.ke", "wss://relay.plebstr.com", "wss://nostr.sathoarder.com", "wss://nsrelay.assilvestrar.club",
	"wss://nostrasia.casa", "wss://relay.nostr.bg", "wss://relay.nostrr.de", "wss://relay.nostrss.re",
}

// defaultResubscribeDelay is Options.ResubscribeDelay's default: a relay
// that CLOSED a subscription (often "rate-limited:") is asked again after
// 5 s, then 10 s, ... Trystero 0.18 never asks again (§7.2).
const defaultResubscribeDelay = 5 * time.Second

// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
// RelayURLs is empty: the first four (wire-0.18 §7.2).
const DefaultRedundancy = 4

// Options configures New. The zero value is the default instance's setup.
type Options struct {
	// SelfID is this instance's peer id; "" means signal.SelfID.
	SelfID string
	// Keys signs the events; the zero value means a fresh random key pair
	// (Trystero: one per realm, wire-0.18 §7.2).
	Keys Keys
	// Logger receives the strategy's logs when a room's Config has none;
	// nil means slog.Default().
	Logger *slog.Logger
	// Socket configures the relay sockets; the zero value gives package
	// socket's defaults. (Trystero 0.18 nostr never reconnects, §7.2;
	// posthorn does, then resubscribes and re-announces.)
	Socket socket.Options
	// ResubscribeDelay is the wait before subscribing again when a relay
	// CLOSED one of a room's subscriptions for a reason a retry may fix
	// ("rate-limited:", "error:", ...; NIP-01); it doubles for each further
	// CLOSED of that subscription, up to 2 min. 0 means 5 s.
	ResubscribeDelay time.Duration
	// Topic tunes the shared topic engine (announce period, attempt
	// timeout, ...); its AppID, RoomID, SelfID, Password, RTCConfig, Codec,
	// Quirks, Logger and OnLeave are set per room.
	Topic engine.Config
}

// Strategy is one Nostr strategy instance: one peer id, one key pair, one
// socket per relay URL shared by its rooms, one room per roomID. It
// implements signal.Strategy.
type Strategy struct {
	selfID string
	keys   Keys
	log    *slog.Logger
	pool   *socket.Pool
	rooms  signal.Rooms
	tuning engine.Config
	// resubscribeDelay is Options.ResubscribeDelay with its default.
	resubscribeDelay time.Duration

	mu      sync.Mutex
	watched map[*socket.Socket]bool // sockets with the strategy's OK/NOTICE logger
}

var _ signal.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to relays only when a room is joined.
func New(opts Options) *Strategy {
	s := &Strategy{
		selfID:  opts.SelfID,
		keys:    opts.Keys,
		log:     opts.Logger,
		pool:    &socket.Pool{Options: opts.Socket},
		tuning:  opts.Topic,
		watched: map[*socket.Socket]bool{},

		resubscribeDelay: opts.ResubscribeDelay,
	}
	if s.resubscribeDelay <= 0 {
		s.resubscribeDelay = defaultResubscribeDelay
	}
	if s.selfID == "" {
		s.selfID = signal.SelfID
	}
	if s.keys.PublicKey == "" {
		s.keys = NewKeys()
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.pool.Options.Logger == nil {
		s.pool.Options.Logger = s.log
	}
	return s
}

// SelfID returns this instance's peer id.
func (s *Strategy) SelfID() string { return s.selfID }

// PublicKey returns the hex public key the instance's events carry.
func (s *Strategy) PublicKey() string { return s.keys.PublicKey }

// RelaySockets reports the state of every relay socket by URL
// (getRelaySockets).
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState { return s.pool.States() }

// JoinRoom joins roomID: it returns at once and finds peers in the
// background. Joining a roomID that is already joined returns the same room
// (the appId is not part of that key, like in Trystero). cfg.RelayURLs
// replaces DefaultRelayURLs; cfg.RelayRedundancy picks how many defaults to
// use (default 4).
func (s *Strategy) JoinRoom(ctx context.Context, cfg signal.Config, roomID string) (*posthorn.Room, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.rooms.Join(cfg, roomID, func(forget func()) (*posthorn.Room, error) {
		return s.join(cfg, roomID, forget)
	})
}

// Close leaves every room joined through the instance (closing their peer
// connections, so that remote peers see us leave) and closes its relay
// sockets.
func (s *Strategy) Close() {
	s.rooms.LeaveAll()
	s.pool.Close()
}

var defaultStrategy = sync.OnceValue(func() *Strategy { return New(Options{}) })

// JoinRoom joins roomID with the default instance (Trystero's joinRoom).
func JoinRoom(ctx context.Context, cfg signal.Config, roomID string) (*posthorn.Room, error) {
	return defaultStrategy().JoinRoom(ctx, cfg, roomID)
}

// SelfID is the default instance's peer id, signal.SelfID (Trystero's selfId).
func SelfID() string { return signal.SelfID }

// RelaySockets reports the default instance's relay sockets
// (Trystero's getRelaySockets).
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
