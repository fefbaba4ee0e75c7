// Package signal holds what every signalling strategy shares: the room
// configuration of joinRoom, relay selection, the Strategy interface and the
// process-wide self id. The strategies live in its subpackages.
package posthorn

import (
	"log/slog"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/ids"
)

// SelfID is this process's peer id, the seed's selfId: one id per JS realm,
// here one per process, shared by every strategy's default instance.
var SelfID = ids.New(ids.SelfIDLen)

// Config is joinRoom's config argument (seed, "API"). The zero value of each
// field means the seed's default.
type Config struct {
	// AppID is required: a unique string identifying the app.
	AppID string
	// Password, when set, encrypts SDPs as they pass the relay (wire-0.18 §3).
	Password string
	// RTCConfig is used for every peer connection; nil means simple-peer's
	// default (public STUN servers, wire-0.18 §4.1).
	RTCConfig *webrtc.Configuration
	// RelayURLs replaces the strategy's default relays; all of them are used.
	RelayURLs []string
	// RelayRedundancy is how many default relays to use when RelayURLs is
	// empty; 0 means the strategy's default.
	RelayRedundancy int
	// Logger receives the room's logs; nil means slog.Default().
	Logger *slog.Logger
}

// Relays picks the relays to use (wire-0.18 §7): all of RelayURLs if given,
// else the first RelayRedundancy (or defaultRedundancy) of defaults, in list
// order, without shuffling.
func (c Config) Relays(defaults []string, defaultRedundancy int) []string {
	if len(c.RelayURLs) > 0 {
		return append([]string(nil), c.RelayURLs...)
	}
	n := c.RelayRedundancy
	if n <= 0 {
		n = defaultRedundancy
	}
	return append([]string(nil), defaults[:min(n, len(defaults))]...)
}

// Log returns c.Logger or slog.Default().
func (c Config) Log() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}
