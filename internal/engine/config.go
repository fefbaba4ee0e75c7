package engine

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
)

// Relay is one signalling relay (a Nostr relay socket, an MQTT broker
// client, ...) as a room's Session sees it. Subscribing is the strategy's
// business; the Session only publishes.
type Relay interface {
	// URL identifies the relay in logs and keys the session's relay set.
	URL() string
	// Publish sends payload on topic through this relay only.
	Publish(ctx context.Context, topic string, payload []byte) error
}

// Quirks are per-strategy deviations of the JS peers a strategy talks to.
type Quirks struct {
	// OffersNotDecrypted: JS answerers of this strategy do not decrypt
	// offers (nostr 0.18, wire-0.18 §3, §7.2). With a password, an offer
	// still unanswered after NudgeDelay is followed by a re-announcement on
	// its relay so that the JS peer offers instead (see the package doc).
	OffersNotDecrypted bool
}

// Config configures a Session. Zero values are documented defaults.
type Config struct {
	// AppID and RoomID name the topics (wire-0.18 §7.2); both required and
	// free of '/'.
	AppID, RoomID string
	// SelfID is our peer id (wire-0.18 §2); required.
	SelfID string
	// Password, when set, encrypts the sdp of offers and answers (§3).
	Password string
	// RTCConfig is passed to every peer; nil = simple-peer's default.
	RTCConfig *webrtc.Configuration
	// Codec encodes announcements; nil = RawID (mqtt). Nostr uses JSONID.
	Codec Codec
	// Quirks of the strategy's JS peers.
	Quirks Quirks
	// AnnounceInterval is the re-announcement period; 0 = 33 s, negative =
	// announce only on Ready.
	AnnounceInterval time.Duration
	// AttemptTimeout closes an attempt that has not connected in time; 0 = 30 s.
	AttemptTimeout time.Duration
	// NudgeDelay is how long an offer may go unanswered before it is taken
	// as lost: the Quirks.OffersNotDecrypted re-announcement happens then,
	// and a glare no longer relies on that offer alone (glareLocked); 0 = 3 s.
	NudgeDelay time.Duration
	// MaxPending bounds unconnected attempts per room; 0 = 32.
	MaxPending int
	// Room configures the room; its SelfID, Logger and OnLeave are set by
	// the Session.
	Room posthorn.Options
	// Logger receives diagnostics; nil = slog.Default().
	Logger *slog.Logger
	// OnLeave runs once after the Room was left and the session stopped:
	// the strategy's cleanup (unsubscribe, drop listeners).
	OnLeave func()
}

const (
	// DefaultAnnounceInterval is how often a Session re-announces: the
	// torrent strategy's announce period (wire-0.18 §7.1). 0.18 nostr never
	// re-announces (§7.2); JS ignores repeats from ids it has seen.
	DefaultAnnounceInterval = 33 * time.Second
	// DefaultAttemptTimeout bounds one connection attempt: ICE gathering
	// (up to 5 s after the first candidate on each side, §4.3), two relay
	// hops and ICE/DTLS/SCTP setup fit with a wide margin.
	DefaultAttemptTimeout = 30 * time.Second
	// DefaultNudgeDelay leaves a JS nostr peer time to fail on our encrypted
	// offer (a rejected setRemoteDescription, milliseconds) and forget us
	// before we re-announce (wire-0.18 §7.2).
	DefaultNudgeDelay = 3 * time.Second
	// DefaultMaxPending bounds the peer connections strangers on the root
	// topic can make us create.
	DefaultMaxPending = 32
	// publishTimeout bounds one publish.
	publishTimeout = 10 * time.Second
	// maxIDLen bounds a remote peer id; 0.18 ids are 20 characters (§2).
	maxIDLen = 64
)

// Sentinel errors.
var (
	// ErrConfig reports a missing or invalid Config field.
	ErrConfig = errors.New("topic: invalid config")
	// ErrPayload reports a malformed announcement or signal payload.
	ErrPayload = errors.New("topic: malformed payload")
	// ErrLeft is returned by Ready after the room was left.
	ErrLeft = errors.New("topic: room left")
)

func (c Config) withDefaults() Config {
	if c.Codec == nil {
		c.Codec = RawID
	}
	if c.AnnounceInterval == 0 {
		c.AnnounceInterval = DefaultAnnounceInterval
	}
	if c.AttemptTimeout <= 0 {
		c.AttemptTimeout = DefaultAttemptTimeout
	}
	if c.NudgeDelay <= 0 {
		c.NudgeDelay = DefaultNudgeDelay
	}
	if c.MaxPending <= 0 {
		c.MaxPending = DefaultMaxPending
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// RootTopic is the room's announcement topic, trystero/<appId>/<roomId>
// (wire-0.18 §7.2, §7.3; "trystero" lowercase).
func RootTopic(appID, roomID string) string { return "trystero/" + appID + "/" + roomID }

// PeerTopic is the self topic of peer id: where offers and answers for it go.
func PeerTopic(appID, roomID, id string) string { return RootTopic(appID, roomID) + "/" + id }

// ValidID reports whether id is acceptable as a remote peer id: 1–64
// printable ASCII characters without '/', '+' or '#', which would break
// topics (wire-0.18 §2, §10.13). 0.18 ids are 20 alphabet characters.
func ValidID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f || c == '/' || c == '+' || c == '#' {
			return false
		}
	}
	return true
}
