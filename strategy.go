package posthorn

import (
	"context"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/socket"
)

// Strategy is a way for peers to find each other: the Go face of one of
// Trystero's strategy modules (trystero/torrent, trystero/nostr, ...).
// Implementations live in signal/torrent, signal/nostr and signal/mqtt.
type Strategy interface {
	// SelfID is the id other peers know this strategy instance by.
	SelfID() string
	// JoinRoom joins roomID and starts matchmaking in the background. Joining
	// the same roomID again returns the same *posthorn.Room until it is left.
	JoinRoom(ctx context.Context, cfg Config, roomID string) (*posthorn.Room, error)
	// RelaySockets reports the state of every relay connection by URL (the
	// seed's getRelaySockets()).
	RelaySockets() map[string]socket.State
	// Close leaves every room joined through the instance and closes its
	// relay connections. Trystero has no counterpart (a page just goes
	// away); Go programs that outlive their rooms need it.
	Close()
}
