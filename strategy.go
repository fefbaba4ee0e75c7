package posthorn

import "context"

// Strategy is a way for peers to find each other through public relays: the
// Go face of one of Trystero's strategy modules. The implementations are
// signal/torrent (WebTorrent trackers), signal/nostr (Nostr relays) and
// signal/mqtt (MQTT brokers); each package also has JoinRoom, SelfID and
// RelaySockets functions that use a default instance, as Trystero's modules do.
type Strategy interface {
	// SelfID is the id other peers know this instance by.
	SelfID() string
	// JoinRoom joins roomID and returns once the room's announcement went
	// out on at least one relay; finding peers goes on in the background
	// until the room is left. If ctx ends first, the room is left and the
	// error says why the relays could not be used. Joining a roomID that is
	// already joined returns the same *Room until that room is left.
	JoinRoom(ctx context.Context, cfg Config, roomID string) (*Room, error)
	// RelaySockets reports the state of every relay connection by URL
	// (Trystero's getRelaySockets).
	RelaySockets() map[string]RelayState
	// Close leaves every room joined through the instance and closes its
	// relay connections. Trystero has no counterpart (a page just goes
	// away); Go programs that outlive their rooms need it.
	Close()
}

// RelayState is the state of one relay connection, numbered as a WebSocket's
// readyState is.
type RelayState int

// The relay connection states.
const (
	RelayConnecting RelayState = 0
	RelayOpen       RelayState = 1
	RelayClosing    RelayState = 2
	RelayClosed     RelayState = 3
)

func (s RelayState) String() string {
	switch s {
	case RelayConnecting:
		return "connecting"
	case RelayOpen:
		return "open"
	case RelayClosing:
		return "closing"
	}
	return "closed"
}
