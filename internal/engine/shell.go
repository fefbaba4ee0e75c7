package engine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/ids"
)

// SelfID is this process's peer id, Trystero's selfId: one per JS realm,
// here one per process, shared by every strategy's default instance.
var SelfID = ids.New(ids.SelfIDLen)

// Shell is what every strategy instance does the same way: its id and
// logger, its reconnect policy, the set of rooms joined through it, the
// checks of joinRoom's arguments and the wait for the first announcement.
// A strategy embeds one and supplies how a room meets its relays.
type Shell struct {
	selfID    string
	log       *slog.Logger
	reconnect posthorn.ReconnectPolicy
	trickle   bool
	speaks025 bool
	whole025  bool
	passive   bool
	rooms     rooms
}

// NewShell applies opts (nil means defaults) over the strategy's default
// reconnect policy. An instance without a SelfID gets a fresh one.
func NewShell(opts *posthorn.Options, reconnect posthorn.ReconnectPolicy) *Shell {
	var o posthorn.Options
	if opts != nil {
		o = *opts
	}
	sh := &Shell{selfID: o.SelfID, log: o.Logger, reconnect: reconnect}
	if sh.selfID == "" {
		sh.selfID = ids.New(ids.SelfIDLen)
	}
	if sh.log == nil {
		sh.log = slog.Default()
	}
	if r := o.Reconnect; r != nil {
		if r.Wait > 0 {
			sh.reconnect.Wait = r.Wait
		}
		if r.MaxWait > 0 {
			sh.reconnect.MaxWait = r.MaxWait
		}
		if r.Jitter != 0 {
			sh.reconnect.Jitter = r.Jitter
		}
	}
	return sh
}

// WithTrickle makes the instance's sessions trickle ICE
// (SessionConfig.Trickle) and returns sh.
func (sh *Shell) WithTrickle() *Shell {
	sh.trickle = true
	return sh
}

// With025 lets the instance's rooms speak Protocol025
// (SessionConfig.Speaks025) and returns sh.
func (sh *Shell) With025() *Shell {
	sh.speaks025 = true
	return sh
}

// Whole025 makes the instance's Protocol025 rooms send whole session
// descriptions instead of trickling (SessionConfig.Whole025) and returns
// sh.
func (sh *Shell) Whole025() *Shell {
	sh.whole025 = true
	return sh
}

// WithPassive lets the instance's Protocol025 rooms be passive
// (SessionConfig.Passive025) and returns sh.
func (sh *Shell) WithPassive() *Shell {
	sh.passive = true
	return sh
}

// SelfID is the id the instance's rooms announce.
func (sh *Shell) SelfID() string { return sh.selfID }

// Log is the instance's logger.
func (sh *Shell) Log() *slog.Logger { return sh.log }

// Reconnect is the instance's reconnect policy, defaults applied.
func (sh *Shell) Reconnect() posthorn.ReconnectPolicy { return sh.reconnect }

// JoinRoom returns the open room for roomID, or checks cfg, starts a new
// Session and calls start to connect it to its relays. It then waits until
// the room's announcement went out on a relay (Session.Joined). If ctx ends
// first, a room this call created is left and the error names the relays'
// failures.
func (sh *Shell) JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string, start func(*Session) error) (*posthorn.Room, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = sh.log
	}
	s, created, err := sh.rooms.join(roomID, func() (*Session, error) {
		return NewSession(SessionConfig{Config: cfg, RoomID: roomID, SelfID: sh.selfID, Trickle: sh.trickle,
			Speaks025: sh.speaks025, Whole025: sh.whole025, Passive025: sh.passive})
	})
	if err != nil {
		return nil, err
	}
	if created {
		if err := start(s); err != nil {
			_ = s.room.Leave()
			return nil, fmt.Errorf("posthorn: join %q: %w", roomID, err)
		}
	}
	if ctx.Value(noWaitKey{}) != nil {
		return s.room, nil
	}
	select {
	case <-s.joined:
		return s.room, nil
	case <-s.room.Done():
		return nil, fmt.Errorf("posthorn: join %q: %w", roomID, posthorn.ErrLeft)
	case <-ctx.Done():
		if created {
			_ = s.room.Leave()
		}
		return nil, fmt.Errorf("posthorn: join %q: no relay took the announcement%s: %w", roomID, s.relayErrors(), ctx.Err())
	}
}

// noWaitKey marks a context whose JoinRoom returns at once, before any
// relay took the announcement (see NoWait).
type noWaitKey struct{}

// NoWait returns a context with which JoinRoom returns as soon as the room
// exists, as Trystero's joinRoom does: the JS bridge needs that, since a
// page's room works (and can be left) while its relays are still down.
func NoWait(ctx context.Context) context.Context { return context.WithValue(ctx, noWaitKey{}, true) }

// LeaveAll leaves every open room, as a strategy's Close does.
func (sh *Shell) LeaveAll() { sh.rooms.leaveAll() }

// Relays picks a room's relays: all of cfg.RelayURLs if given, else the
// first cfg.RelayRedundancy (or defaultRedundancy) of defaults, in order.
func Relays(cfg posthorn.Config, defaults []string, defaultRedundancy int) []string {
	if len(cfg.RelayURLs) > 0 {
		return append([]string(nil), cfg.RelayURLs...)
	}
	n := cfg.RelayRedundancy
	if n <= 0 {
		n = defaultRedundancy
	}
	return append([]string(nil), defaults[:min(n, len(defaults))]...)
}

// The defaults of posthorn.Config's tuning fields.
const (
	// DefaultAnnounceInterval is Trystero's announce period (torrent's
	// announceSecs, docs/protocol-0.18.md §7.1), used by every strategy.
	DefaultAnnounceInterval = 33 * time.Second
	// DefaultAttemptTimeout bounds one connection attempt: ICE gathering
	// (up to 5 s after the first candidate on each side, §4.3), two relay
	// hops and ICE/DTLS/SCTP setup fit with a wide margin.
	DefaultAttemptTimeout = 30 * time.Second
	// DefaultMaxPendingAttempts bounds the peer connections strangers on a
	// relay can make a room create.
	DefaultMaxPendingAttempts = 32
)

// withDefaults fills in the zero tuning fields of cfg.
func withDefaults(cfg posthorn.Config) posthorn.Config {
	if cfg.AnnounceInterval <= 0 {
		cfg.AnnounceInterval = DefaultAnnounceInterval
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	if cfg.MaxPendingAttempts <= 0 {
		cfg.MaxPendingAttempts = DefaultMaxPendingAttempts
	}
	cfg.Limits = cfg.Limits.WithDefaults()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}
