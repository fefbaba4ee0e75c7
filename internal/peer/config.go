package peer

import (
	"crypto/rand"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Config configures one peer. The zero value is a trickle-less non-initiator
// with simple-peer's default ICE servers.
type Config struct {
	// Initiator creates the data channel and every offer (protocol-0.18 §4.1, §4.6).
	Initiator bool
	// Trickle emits the offer/answer at once and every candidate as its own
	// signal (firebase). false (torrent, nostr, mqtt) waits for ICE gathering
	// and emits one SDP with all candidates (protocol-0.18 §4.3).
	Trickle bool
	// Perfect selects Trystero 0.25's negotiation instead of simple-peer's
	// (protocol-0.25 §5): either side offers when it has to renegotiate
	// (no renegotiate or transceiverRequest signals), an offer that
	// collides with one of ours is ignored by the initiator (impolite) and
	// taken by the other side after rolling its own back (polite), and
	// once the data channel is open a remote description without an
	// a=rtpmap line is ignored, as Trystero 0.25 ignores it. Natively the
	// polite side cannot roll back (pion refuses it), so a collision leaves
	// that renegotiation incomplete; in the browser it completes.
	Perfect bool
	// RTCConfig is the RTCPeerConnection configuration. nil = simple-peer's
	// default ICE servers (DefaultICEServers). A non-nil value is used as is;
	// tests pass &Configuration{} (no ICE servers, loopback only).
	RTCConfig *Configuration
	// Logger receives diagnostics; nil = slog.Default().
	Logger *slog.Logger
	// platformConfig: natively, API (pion's builder; rtc.go).
	platformConfig
}

// DefaultICEServers is simple-peer's default iceServers (protocol-0.18 §4.1).
var DefaultICEServers = []ICEServer{{URLs: []string{
	"stun:stun.l.google.com:19302",
	"stun:global.stun.twilio.com:3478",
}}}

const (
	// maxBufferedAmount is simple-peer's MAX_BUFFERED_AMOUNT, the data channel's
	// bufferedAmountLowThreshold, whose event wakes a Send waiting on
	// backpressure (protocol-0.18 §4.2, §5.6). Send starts waiting above
	// channel.highWater, which equals it in the browser.
	maxBufferedAmount = 64 * 1024
	// iceCompleteTimeout is simple-peer's ICECOMPLETE_TIMEOUT: without trickle,
	// the SDP is sent this long after the first candidate even if gathering
	// has not finished (protocol-0.18 §4.3).
	iceCompleteTimeout = 5 * time.Second
	// channelClosingTimeout is simple-peer's CHANNEL_CLOSING_TIMEOUT: a channel
	// seen "closing" at two consecutive checks this far apart is treated as
	// closed (protocol-0.18 §4.4).
	channelClosingTimeout = 5 * time.Second
	// disconnectTimeout is how long ICE may stay "disconnected" before the
	// peer is destroyed (Trystero 0.25's 5 s, protocol-0.25 §5; simple-peer
	// waits for "failed"). A link that comes back sooner is kept.
	disconnectTimeout = 5 * time.Second
	// labelBytes is how many random bytes simple-peer's channel label is made
	// of; a bug renders them as decimals joined by commas (protocol-0.18 §4.2).
	labelBytes = 20
	// inboxLimit bounds received bytes queued for OnData before the native read
	// loop stops reading (backpressure to the sender). The browser build never
	// blocks and does not use it.
	inboxLimit = 4 << 20
)

func (c Config) rtcConfig() Configuration {
	if c.RTCConfig == nil {
		return Configuration{ICEServers: DefaultICEServers}
	}
	return *c.RTCConfig
}

func (c Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

// channelLabel returns a label shaped like simple-peer's: 20 random bytes in
// decimal joined by commas (protocol-0.18 §4.2; nobody checks it).
func channelLabel() string {
	var b [labelBytes]byte
	_, _ = rand.Read(b[:])
	parts := make([]string, len(b))
	for i, v := range b {
		parts[i] = strconv.Itoa(int(v))
	}
	return strings.Join(parts, ",")
}
