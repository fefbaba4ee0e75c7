package posthorn

import (
	"log/slog"
	"time"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/transfer"
)

// Config is what joining a room needs: Trystero's joinRoom config, plus the
// limits and timings posthorn lets a Go program tune. Every strategy honours
// every field the same way. Only AppID is required; the zero value of any
// other field means the default its comment gives.
type Config struct {
	// AppID identifies the application: only peers with the same AppID and
	// room id meet. Required. On the firebase strategy it is the database
	// URL, as in Trystero.
	AppID string
	// Protocol is the Trystero version the room speaks, chosen per room:
	// Protocol018 (the default; "" means it too) meets trystero@0.18.0
	// peers, Protocol025 meets peers of the @trystero-p2p/* 0.25 packages.
	// The two never meet, so pick what the peers you want to meet run.
	// JoinRoom fails with an error wrapping ErrProtocol for a version the
	// strategy does not speak; today signal/mqtt speaks both and the other
	// strategies 0.18 only.
	Protocol Protocol
	// Password, when set, encrypts the session descriptions as they pass
	// the relays (docs/protocol-0.18.md §3). Peers with another password
	// never connect.
	Password string
	// Passive makes a Protocol025 room wait to be found (Trystero 0.25's
	// passive rooms, docs/protocol-0.25.md §6.5): it listens on the room's
	// root topic only and announces nothing until a peer that is not
	// passive shows up there; it then takes part like any room, its
	// messages marked passive, and goes quiet again once it has had no
	// peers and no connection attempts for 7.533 s. Two passive rooms never
	// meet. JoinRoom fails with an error wrapping ErrProtocol under 0.18
	// and on strategies that do not run passive rooms (today firebase and
	// ipfs).
	Passive bool
	// RelayURLs replaces the strategy's default relays; all of them are used.
	RelayURLs []string
	// RelayRedundancy is how many of the strategy's default relays to use
	// when RelayURLs is empty; 0 means the strategy's default.
	RelayRedundancy int
	// RootPath is where the firebase strategy keeps its rooms in the
	// database; "" means "__trystero__", as Trystero's rootPath. Other
	// strategies ignore it.
	RootPath string
	// RTCConfig is used for every peer connection (ICE servers, including
	// TURN); nil means one public STUN server, as Trystero does
	// (docs/protocol-0.18.md §4.1).
	RTCConfig *RTCConfiguration

	// Limits bound what remote peers can make the room buffer while their
	// messages arrive, per peer and for the room; a peer over them is
	// disconnected. The zero value means transfer's defaults.
	Limits transfer.Limits
	// AnnounceInterval is how often the room announces itself to its relays
	// again; 0 means 33 s, as Trystero. A tracker may ask for a longer one
	// (up to 120 s, docs/protocol-0.18.md §7.1). Protocol025 rooms follow
	// Trystero 0.25.4 (docs/protocol-0.25.md §6.4): they announce at once,
	// after 233, 533 and 1333 ms, then every AnnounceInterval, 0 meaning
	// 60 s on topic strategies and, on torrent, the tracker's interval
	// within 10–120 s (10 s until a tracker names one); a set
	// AnnounceInterval is then torrent's lower bound.
	AnnounceInterval time.Duration
	// AttemptTimeout bounds one connection attempt, from the first signal
	// to a connected data channel; 0 means 30 s.
	AttemptTimeout time.Duration
	// MaxPendingAttempts bounds the connection attempts that have not
	// connected yet, which strangers on a relay can make the room start;
	// 0 means 32.
	MaxPendingAttempts int
	// HandshakeTimeout bounds, under Protocol025, a connected peer's
	// session handshake (docs/protocol-0.25.md §9): a peer not admitted
	// by then is refused with ErrHandshake. 0 means 10 s, as Trystero's
	// handshakeTimeoutMs.
	HandshakeTimeout time.Duration

	// Logger receives the room's diagnostics; nil means the strategy
	// instance's logger.
	Logger *slog.Logger

	// OnJoinError, if set, is called when the room cannot connect to a
	// remote peer for a reason the application should know, as Trystero
	// 0.25's onJoinError: a session description from that peer that does
	// not decrypt with Password (ErrWrongPassword: the peer uses another
	// password) and, under Protocol025, a session handshake that failed
	// the password challenge (ErrWrongPassword) or did not complete
	// (ErrHandshake). Each such description is reported by the peer
	// that receives it; the one with the wrong password learns it only if
	// the others' descriptions reach it. Anyone on the relays can send
	// them, so do not treat one as proof of anything. It is called on the
	// room's signalling goroutine and must not block.
	OnJoinError func(*JoinError)
}

// Options configure a strategy instance (torrent.New, nostr.New, mqtt.New):
// what the rooms joined through it share. A nil *Options means the defaults.
type Options struct {
	// SelfID is the id other peers know this instance by; "" means the
	// process's id, which every default instance shares (Trystero's selfId).
	SelfID string
	// Reconnect says how a relay connection is opened again after it failed
	// or dropped; nil means the strategy's documented default.
	Reconnect *ReconnectPolicy
	// Logger receives the instance's diagnostics; nil means slog.Default().
	Logger *slog.Logger
}

// ReconnectPolicy says how long to wait before opening a relay connection
// again: Wait after the first failure, doubling after each further one up to
// MaxWait, each wait moved at random by up to ±Jitter of itself. A
// connection that opens resets the wait. Zero fields take the strategy's
// defaults; a negative Jitter means none.
type ReconnectPolicy struct {
	Wait    time.Duration
	MaxWait time.Duration
	Jitter  float64
}

// RTCConfiguration is the RTCPeerConnection configuration of Config.RTCConfig:
// natively pion's webrtc.Configuration; in the browser build a small struct
// with the members posthorn passes to the browser's RTCPeerConnection
// (ICEServers, ICETransportPolicy, BundlePolicy, RTCPMuxPolicy,
// ICECandidatePoolSize).
type RTCConfiguration = peer.Configuration

// ICEServer is one ICE server of an RTCConfiguration (natively pion's
// webrtc.ICEServer).
type ICEServer = peer.ICEServer
