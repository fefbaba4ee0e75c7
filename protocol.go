package posthorn

// Protocol is a Trystero wire-protocol version a room speaks
// (Config.Protocol). Peers speaking different versions never meet: they
// do not even find each other on the relays (docs/protocol-0.25.md §1, §13).
type Protocol string

// The protocol versions.
const (
	// Protocol018 is trystero@0.18.0's protocol (docs/protocol-0.18.md), the
	// default: the zero value "" means it too.
	Protocol018 Protocol = "0.18"
	// Protocol025 is the protocol of the @trystero-p2p/* 0.25 packages
	// (0.25.3 and 0.25.4 put the same bytes on the wire;
	// docs/protocol-0.25.md).
	Protocol025 Protocol = "0.25"
)
