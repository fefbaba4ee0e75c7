package nostr

import (
	"context"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/nip01"
	"github.com/posthorn/posthorn/internal/socket"
)

// DefaultRelayURLs are Trystero 0.18's default Nostr relays, in its order
// (docs/protocol-0.18.md §7.2).
var DefaultRelayURLs = []string{
	"wss://relay.nostr.net", "wss://relay.blackbyte.nl", "wss://relay.piazza.today", "wss://relay.exit.pub",
	"wss://relay.nostr.band", "wss://relay.damus.io", "wss://nostr.mom", "wss://relay.snort.social",
	"wss://nostr.lu.ke", "wss://relay.plebstr.com", "wss://nostr.sathoarder.com", "wss://nsrelay.assilvestrar.club",
	"wss://nostrasia.casa", "wss://relay.nostr.bg", "wss://relay.nostrr.de", "wss://relay.nostrss.re",
}

// DefaultRedundancy is how many of DefaultRelayURLs a room uses when
// Config.RelayURLs is empty: the first four (§7.2).
const DefaultRedundancy = 4

// Strategy is one Nostr strategy instance: one peer id, one key pair, one
// socket per relay URL shared by its rooms, one room per room id. Relay
// sockets reconnect, and subscriptions a relay CLOSED are asked for again,
// after socket.DefaultReconnect's waits (4 s doubling up to 2 min) unless
// Options.Reconnect says otherwise; Trystero 0.18 does neither (§7.2).
type Strategy struct {
	sh   *engine.Shell
	keys nip01.Keys // signs the events; one per instance (Trystero: per realm, §7.2)
	pool *socket.Pool
	// nudge is the topic engine's nudge delay; 0 means its default. Tests
	// shorten it.
	nudge time.Duration

	mu      sync.Mutex
	watched map[*socket.Socket]bool // sockets with the strategy's OK/NOTICE logger
}

var _ posthorn.Strategy = (*Strategy)(nil)

// New returns a Strategy; it connects to relays only when a room is
// joined. nil opts means the defaults.
func New(opts *posthorn.Options) *Strategy {
	sh := engine.NewShell(opts, socket.DefaultReconnect).With025().WithPassive()
	return &Strategy{
		sh:      sh,
		keys:    nip01.NewKeys(),
		pool:    &socket.Pool{Options: socket.Options{Reconnect: sh.Reconnect(), Logger: sh.Log()}},
		watched: map[*socket.Socket]bool{},
	}
}

// SelfID is the peer id the instance's rooms announce.
func (s *Strategy) SelfID() string { return s.sh.SelfID() }

// RelaySockets reports the state of every relay socket by URL.
func (s *Strategy) RelaySockets() map[string]posthorn.RelayState { return s.pool.States() }

// JoinRoom joins roomID and returns once its announcement reached a relay;
// peers are found in the background (see posthorn.Strategy).
// cfg.RelayURLs replaces DefaultRelayURLs; cfg.RelayRedundancy picks how
// many defaults to use (default 4).
func (s *Strategy) JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error) {
	return s.sh.JoinRoom(ctx, cfg, roomID, s.start)
}

// Close leaves every room joined through the instance (closing their peer
// connections, so that remote peers see us leave) and closes its relay
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

// RelaySockets reports the default instance's relay sockets
// (Trystero's getRelaySockets).
func RelaySockets() map[string]posthorn.RelayState { return defaultStrategy().RelaySockets() }
