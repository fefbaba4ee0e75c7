// Package roomlink lets the strategies' connection engine create rooms and
// hand them connected peers, without those operations being part of package
// posthorn's public API (a Go program only gets rooms from a strategy).
// Package posthorn fills in the functions when it is initialised.
package roomlink

import (
	"log/slog"
	"time"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/transfer"
)

// Options configure a new room. Zero values are documented defaults.
type Options struct {
	// SelfID is the local peer id; only used in log records.
	SelfID string
	// Profile selects the framing and internal action names; nil means
	// profile.V018.
	Profile *profile.Profile
	// AppID, RoomID and Password identify the room to the 0.25 profile:
	// the token of its frames and the password step of its handshake
	// (protocol-0.25 §3.2, §9). The 0.18 profile ignores them.
	AppID, RoomID, Password string
	// OnJoinError, if set, is told about a remote peer a 0.25 room did not
	// admit: its handshake failed or did not complete (protocol-0.25 §9).
	// err wraps posthorn.ErrWrongPassword or posthorn.ErrHandshake.
	OnJoinError func(peerID string, err error)
	// HandshakeTimeout bounds a 0.25 handshake; 0 means Trystero's 10 s.
	HandshakeTimeout time.Duration
	// Limits bound reassembly of incoming messages, per remote peer and
	// for the room.
	Limits transfer.Limits
	// Logger receives the room's diagnostics; nil means slog.Default().
	Logger *slog.Logger
	// OnLeave is called once, by the first Leave, after every peer
	// connection was closed: the strategy's cleanup.
	OnLeave func()
	// OnPeerLost, if set, is called after onPeerLeave for a peer whose
	// last connection failed (it became unreachable) rather than being
	// closed by either side, and for a 0.25 peer refused because nothing
	// it sent ever arrived: the strategy looks for it again.
	OnPeerLost func(id string)
}

// The room operations, set by package posthorn's init. The room values are
// *posthorn.Room.
var (
	// NewRoom returns an empty room.
	NewRoom func(Options) any
	// AddPeer registers a peer connection that has connected: the first
	// connection of an id fires onPeerJoin, later ones are kept as
	// duplicates (docs/protocol-0.18.md §4.5). A left room closes p.
	AddPeer func(room any, id string, p *peer.Peer)
	// HasPeer reports whether a connection to id is registered.
	HasPeer func(room any, id string) bool
	// Bind binds a 0.25 room to the live connection to id that the rooms
	// of its app share, reporting false if there is none. True means the
	// room needs no offer or answer of its own: it bound (protocol-0.25
	// §7), or it is being left.
	Bind func(room any, id string) bool
	// SetSharedIdle sets how long a shared 0.25 connection no room uses
	// stays open (posthorn.SharedIdleTimeout) and returns a function
	// restoring the previous value. For tests of other packages, whose
	// leak checks cannot wait two minutes.
	SetSharedIdle func(d time.Duration) (restore func())
)
