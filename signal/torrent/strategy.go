package torrent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/socket"
	"github.com/posthorn/posthorn/signal"
)

// DefaultRelayURLs are Trystero 0.18's default trackers, in its order
// (wire-0.18 §7.1).
var DefaultRelayURLs = []string{
	"wss://tracker.webtorrent.dev",
	"wss://tracker.openwebtorrent.com",
	"wss://tracker.files.fm:7073/announce",
	"wss://tracker.btorrent.xyz",
}

const (
	// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
	// RelayURLs is empty: the first three (wire-0.18 §7.1, verified).
	DefaultRedundancy = 3

	// defaultAnnounceInterval is Trystero's initial announceSecs, 33 s
	// (wire-0.18 §7.1).
	defaultAnnounceInterval = 33 * time.Second
	// defaultMaxAnnounceInterval caps the interval adopted from trackers
	// (maxAnnounceSecs = 120, wire-0.18 §7.1).
	defaultMaxAnnounceInterval = 120 * time.Second
	// sendTimeout bounds one write to a tracker socket.
	sendTimeout = 10 * time.Second
)

// Options configures New. The zero value is the default instance's setup.
type Options struct {
	// SelfID is the peer_id of this instance, 20 characters (wire-0.18 §2);
	// "" means signal.SelfID.
	SelfID string
	// Logger receives the strategy's logs when a room's Config has none;
	// nil means slog.Default().
	Logger *slog.Logger
	// Socket configures the tracker sockets (reconnect backoff, read limit);
	// the zero value gives package socket's defaults (4 s first backoff,
	// wire-0.18 §7.1).
	Socket socket.Options

	// announceInterval and maxAnnounceInterval replace 33 s and 120 s in
	// tests; zero means the Trystero values.
	announceInterval, maxAnnounceInterval time.Duration
}

// Strategy is one BitTorrent strategy instance: one peer id, one socket per
// tracker URL shared by its rooms, one room per roomID. It implements
// signal.Strategy.
type Strategy struct {
	selfID      string
	log         *slog.Logger
	pool        *socket.Pool
	rooms       signal.Rooms
	announce    time.Duration
	maxAnnounce time.Duration
}

var _ signal.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to trackers only when a room is joined.
func New(opts Options) *Strategy {
	s := &Strategy{
		selfID:      opts.SelfID,
		log:         opts.Logger,
		pool:        &socket.Pool{Options: opts.Socket},
		announce:    opts.announceInterval,
		maxAnnounce: opts.maxAnnounceInterval,
	}
	if s.selfID == "" {
		s.selfID = signal.SelfID
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.pool.Options.Logger == nil {
		s.pool.Options.Logger = s.log
	}
	if s.announce <= 0 {
		s.announce = defaultAnnounceInterval
	}
	if s.maxAnnounce <= 0 {
		s.maxAnnounce = defaultMaxAnnounceInterval
	}
	return s
}

// SelfID returns the peer_id this instance announces.
func (s *Strategy) SelfID() string { return s.selfID }

// RelaySockets reports the state of every tracker socket by URL
// (getRelaySockets).
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState { return s.pool.States() }

// JoinRoom joins roomID: it returns at once and announces in the background.
// Joining a roomID that is already joined returns the same room (the appId
// is not part of that key, like in Trystero). cfg.RelayURLs replaces
// DefaultRelayURLs; cfg.RelayRedundancy picks how many defaults to use.
func (s *Strategy) JoinRoom(ctx context.Context, cfg signal.Config, roomID string) (*posthorn.Room, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.rooms.Join(cfg, roomID, func(forget func()) (*posthorn.Room, error) {
		return s.join(cfg, roomID, forget).room, nil
	})
}

// Close leaves every room joined through the instance (closing their peer
// connections, so that remote peers see us leave) and closes its tracker sockets.
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

// RelaySockets reports the default instance's tracker sockets
// (Trystero's getRelaySockets).
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
