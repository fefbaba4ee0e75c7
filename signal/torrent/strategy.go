package torrent

import (
	"context"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
)

// DefaultRelayURLs are Trystero 0.18's default trackers, in its order
// (docs/protocol-0.18.md §7.1).
var DefaultRelayURLs = []string{
	"wss://tracker.webtorrent.dev",
	"wss://tracker.openwebtorrent.com",
	"wss://tracker.files.fm:7073/announce",
	"wss://tracker.btorrent.xyz",
}

// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
// Config.RelayURLs is empty: the first three (§7.1).
const DefaultRedundancy = 3

const (
	// defaultMaxAnnounceInterval caps the announce interval a tracker may
	// ask for (maxAnnounceSecs = 120, §7.1; the same under 0.25,
	// protocol-0.25 §11.1).
	defaultMaxAnnounceInterval = engine.TorrentMaxPeriod025
	// sendTimeout bounds one write to a tracker socket.
	sendTimeout = 10 * time.Second
)

// Strategy is one BitTorrent strategy instance: one peer id, one socket per
// tracker URL shared by its rooms, one room per room id. Tracker sockets
// reconnect after socket.DefaultReconnect's waits (4 s doubling up to
// 2 min) unless Options.Reconnect says otherwise.
type Strategy struct {
	sh          *engine.Shell
	pool        *socket.Pool
	maxAnnounce time.Duration
	after       engine.AfterFunc // the announce timers' clock; a fake one in tests
}

var _ posthorn.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to trackers only when a room is
// joined. nil opts means the defaults.
func New(opts *posthorn.Options) *Strategy {
	sh := engine.NewShell(opts, socket.DefaultReconnect).With025().Whole025().WithPassive()
	return &Strategy{
		sh:          sh,
		pool:        &socket.Pool{Options: socket.Options{Reconnect: sh.Reconnect(), Logger: sh.Log()}},
		maxAnnounce: defaultMaxAnnounceInterval,
		after:       engine.RealAfter,
	}
}

// JoinRoom joins roomID and returns once its announcement reached a
// tracker; peers are found in the background (see posthorn.Strategy).
// cfg.RelayURLs replaces DefaultRelayURLs; cfg.RelayRedundancy picks how
// many defaults to use.
func (s *Strategy) JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return s.sh.JoinRoom(ctx, cfg, roomID, s.start)
}

// SelfID is the peer id the instance's rooms announce.
func (s *Strategy) SelfID() string { return s.sh.SelfID() }

// RelaySockets reports the state of every tracker socket by URL.
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState { return s.pool.States() }

// Close leaves every room joined through the instance (closing their peer
// connections, so that remote peers see us leave) and closes its tracker
// sockets.
func (s *Strategy) Close() {
	s.sh.LeaveAll()
	s.pool.Close()
}

var defaultStrategy = sync.OnceValue(func() *Strategy {
	return New(&posthorn.Options{SelfID: engine.SelfID})
})

// JoinRoom joins roomID with the default instance (Trystero's joinRoom).
func JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return defaultStrategy().JoinRoom(ctx, cfg, roomID)
}

// SelfID is the default instance's peer id, shared by every strategy's
// default instance in the process (Trystero's selfId).
func SelfID() string { return engine.SelfID }

// RelaySockets reports the default instance's tracker sockets
// (Trystero's getRelaySockets).
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
