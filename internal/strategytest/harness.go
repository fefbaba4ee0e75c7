package strategytest

import (
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
)

// WaitTimeout bounds every single wait of the suite (a peer to appear, a
// message to arrive, a log line). It only guards against hangs and is
// generous on purpose: the suite runs on loaded two-core machines under the
// race detector. Nothing asserts how long anything took.
const WaitTimeout = 3 * time.Minute

// DefaultAppID is the appId members join with when Harness.AppID is "".
const DefaultAppID = "posthorn-test"

// Harness tells the suite how to build one strategy and its relays.
type Harness struct {
	// New returns a fresh strategy instance whose SelfID is selfID and
	// which logs to log (both at the strategy level, so every room it
	// joins logs there). It registers its own clean-up with t. Tests should
	// shorten reconnect backoffs and announce intervals here: the suite
	// stops and restarts relays.
	New func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy

	// Relay is the strategy's own Go relay (relay/tracker, relay/nostrrelay,
	// relay/mqttbroker). Every case runs against it. Required.
	Relay RelayKind

	// ThirdParty are other relay implementations (the reference npm
	// tracker, an npm Nostr relay, mosquitto): each runs the room, password
	// and relay-restart cases (the last only if its Relay can restart), with
	// the small transfer size. Their Start may skip the test when the
	// program is not installed.
	ThirdParty []RelayKind

	// AppID is the appId of every member; "" means DefaultAppID.
	AppID string

	// Config holds the tuning every member's rooms start from (announce
	// interval, attempt timeout, the protocol version, ...): a zero field
	// of the Config a test joins with takes its value from here.
	Config posthorn.Config

	// URLPath is the path of a relay URL, used to build a URL where nothing
	// listens ("ws://127.0.0.1:<free port>" + URLPath); "" means "/".
	URLPath string
	// URLOf builds the relay URL of a server at host:port where nothing or
	// a black hole listens, for strategies whose relay URLs are not
	// WebSocket URLs (ipfs: a multiaddr); nil means "ws://" + hostPort +
	// URLPath.
	URLOf func(hostPort string) string

	// FileSize is the size of the binary sent each way through the Go
	// relay; 0 means 16 MiB, or 2 MiB under the race detector.
	FileSize int
	// SmallFileSize is the size used through third-party relays; 0 means
	// 1 MiB, or 256 KiB under the race detector.
	SmallFileSize int
}

// RelayKind names a relay implementation and starts instances of it.
type RelayKind struct {
	Name string
	// Start starts one instance on a free loopback port, stopped when the
	// test ends. It may t.Skip when the implementation is not installed.
	Start func(t testing.TB) *Relay
}

// Relay is one running relay instance.
type Relay struct {
	// URL is what members put in posthorn.Config.RelayURLs.
	URL string
	// Stop stops the relay and drops every connection; nil means it cannot
	// be stopped by the test.
	Stop func()
	// Start starts it again on the same URL after Stop; nil means it cannot
	// restart, and the relay-restart case is skipped for it.
	Start func()
}

func (h Harness) withDefaults() Harness {
	if h.AppID == "" {
		h.AppID = DefaultAppID
	}
	if h.URLPath == "" {
		h.URLPath = "/"
	}
	if h.FileSize == 0 {
		h.FileSize = 16 << 20
		if testutil.Race {
			h.FileSize = 2 << 20
		}
	}
	if h.SmallFileSize == 0 {
		h.SmallFileSize = 1 << 20
		if testutil.Race {
			h.SmallFileSize = 256 << 10
		}
	}
	return h
}

// DeadURL is a loopback relay URL (with h's URLPath) where nothing listens.
func (h Harness) DeadURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return h.withDefaults().urlOf(addr)
}

// urlOf is the relay URL of a server at hostPort (Harness.URLOf).
func (h Harness) urlOf(hostPort string) string {
	if h.URLOf != nil {
		return h.URLOf(hostPort)
	}
	return "ws://" + hostPort + h.URLPath
}
