//go:build !js

package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/posthorn/posthorn/relay"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/relay/tracker"
	"github.com/posthorn/posthorn/relay/turn"
	"github.com/posthorn/posthorn/relay/waku"
)

// defaultGCPercent is -gc-percent's default. Measured with make
// bench-relay (2,000 peers per service with the attacks): peak RSS about
// 400 MB at 50 against 500-530 MB at Go's default of 100, relay CPU the same.
const defaultGCPercent = 50

// options is what the command line configures.
type options struct {
	addr        string
	debugAddr   string
	memoryLimit int64
	gcPercent   int
	verbose     bool
	jsonLogs    bool
	relay       relay.Config
	turn        turn.Config
	waku        waku.Options
	wakuKey     string
}

// limitsHelp lists the limits that have no flag, with their defaults and
// reasons, for -h; the flags above it cover what operators usually change.
const limitsHelp = `
Built-in limits (change them through relay.Config when embedding the relay):
  tracker  message %d KiB (10 SDP offers); %d info_hashes per socket and %d
           peer_ids per socket and swarm (Trystero: 1 socket, 1 peer_id);
           %g msg/s, burst %d; send queue %d KiB; first message %v, idle
           %v (Trystero announces every <=120 s), ping every %v
  nostr    message %d KiB; %d subscriptions (2 per room), %d filters per REQ,
           %d values per filter list; store %d events / %d MiB (Trystero's
           kind 29333 is ephemeral, never stored); limit <= %d; %g msg/s,
           burst %d; send queue %d KiB (events shared, not copied); first
           message %v; no idle timeout (Trystero's nostr sockets announce
           once and never reconnect), ping every %v
  mqtt     packet %d KiB; send queue %d KiB per client (payloads shared,
           not copied; publishes over it dropped); %d clients;
           topics <= %d bytes and %d levels (trystero/<app>/<room>/<peer>);
           %d subscriptions per client; %g publishes/s, burst %d; CONNECT
           within %v; idle %v whatever the keepalive; write %v; sessions
           never persist; QoS 0 only; no retained or will messages, no $SYS
  turn     ports %d-%d for relayed UDP; %d allocations, %d per address
  waku     request %d KiB, %d MiB being read over all peers; %d request
           streams per peer and protocol, no deadline before a request's
           first byte (@waku/core opens them in advance), %v after it; %d
           content topics per peer (2 per room), %d per request, %d bytes
           each; %g requests/s, burst %d; push queue %d KiB per subscriber;
           only the pubsub topic /waku/2/default-waku/proto; subscriptions
           end with the connection
`

func parseFlags(args []string) options {
	var o options
	fs := flag.NewFlagSet("posthorn-relay", flag.ExitOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8000", "listen address (host:port) for every WebSocket service, /healthz and /metrics")
	fs.StringVar(&o.debugAddr, "debug-addr", "", "listen address for Go's profiles (/debug/pprof/, e.g. 127.0.0.1:6060); off when empty; never expose it")
	fs.Int64Var(&o.memoryLimit, "memory-limit-mb", 0, "soft memory limit of the process in MiB (Go's GOMEMLIMIT): the GC works harder near it; 0 leaves Go's default (none)")
	fs.IntVar(&o.gcPercent, "gc-percent", defaultGCPercent, "garbage collection target (Go's GOGC; replaces it): heap growth over the live set before a collection; a relay's live set is mostly per-socket state, and 50 keeps peak memory about a quarter lower than Go's 100 for about the same CPU; -1 disables the GC")
	fs.BoolVar(&o.verbose, "v", false, "log client errors and refusals (debug level)")
	fs.BoolVar(&o.jsonLogs, "log-json", false, "log JSON lines instead of text")
	fs.DurationVar(&o.relay.Tracker.Interval, "tracker-interval", tracker.DefaultInterval, "announce interval the tracker tells clients (Trystero adopts 33 s < interval <= 120 s)")
	fs.IntVar(&o.relay.MaxConns, "max-conns", relay.DefaultMaxConns, "WebSockets over all services; each may hold its service's send queue, so this bounds memory")
	fs.IntVar(&o.relay.MaxConnsPerIP, "max-conns-per-ip", relay.DefaultMaxConnsPerIP, "WebSockets per client address (a Trystero page: 1 per tracker and Nostr relay, 1 per room on MQTT)")
	fs.StringVar(&o.relay.ClientIPHeader, "client-ip-header", "", `header holding the client address set by your reverse proxy, e.g. X-Forwarded-For (last entry used); never set it without a proxy`)
	fs.IntVar(&o.relay.MQTT.MaxClients, "mqtt-max-clients", mqttbroker.DefaultMaxClients, "connected MQTT clients (Trystero: one per room and broker)")

	fs.StringVar(&o.turn.Addr, "turn-addr", fmt.Sprintf(":%d", turn.DefaultPort), "TURN listen address, UDP and TCP")
	publicIP := fs.String("turn-public-ip", "", "public IP of this host, advertised in relayed candidates (required for TURN)")
	fs.StringVar(&o.turn.Secret, "turn-secret", os.Getenv("POSTHORN_TURN_SECRET"), "TURN shared secret (coturn use-auth-secret convention); TURN is off without it; prefer $POSTHORN_TURN_SECRET")
	minPort := fs.Uint("turn-min-port", turn.DefaultMinPort, "lowest relayed UDP port (open the range in the firewall)")
	maxPort := fs.Uint("turn-max-port", turn.DefaultMaxPort, "highest relayed UDP port")
	fs.IntVar(&o.turn.MaxAllocationsPerIP, "turn-max-allocations-per-ip", turn.DefaultMaxAllocationsPerIP, "TURN allocations per client address (a browser takes one per peer connection and TURN URL)")
	fs.StringVar(&o.waku.ListenAddr, "waku-addr", "", `Waku service node for the ipfs strategy (Trystero 0.18's is Waku): a multiaddr ending in /ws, e.g. /ip4/0.0.0.0/tcp/8001/ws; off when empty. It needs a port of its own (libp2p's WebSocket listener) and logs the multiaddrs clients bootstrap to`)
	fs.StringVar(&o.wakuKey, "waku-key", "", "file keeping the Waku node's ed25519 key (PKCS #8 PEM), created if missing: its peer id is part of the address clients bootstrap to, so keep it; empty means a new peer id on every start")
	fs.IntVar(&o.waku.MaxConns, "waku-max-conns", waku.DefaultMaxConns, "libp2p connections to the Waku node (a Trystero page holds one whatever its rooms)")
	fs.IntVar(&o.waku.MaxConnsPerIP, "waku-max-conns-per-ip", waku.DefaultMaxConnsPerIP, "libp2p connections to the Waku node per IPv4 address or IPv6 /56, loopback included (behind a TLS proxy every peer has the proxy's address: raise it)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: posthorn-relay [flags]\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), limitsHelp,
			tracker.DefaultMaxMessageBytes>>10, tracker.DefaultMaxSwarmsPerConn, tracker.DefaultMaxPeersPerConn,
			float64(tracker.DefaultMessagesPerSecond), tracker.DefaultMessageBurst, tracker.DefaultSendQueueBytes>>10,
			tracker.DefaultFirstMessageTimeout, tracker.DefaultIdleTimeout, tracker.DefaultPingInterval,
			nostrrelay.DefaultMaxMessageBytes>>10, nostrrelay.DefaultMaxSubscriptions, nostrrelay.DefaultMaxFilters,
			nostrrelay.DefaultMaxFilterValues, nostrrelay.DefaultMaxStored, nostrrelay.DefaultMaxStoredBytes>>20,
			nostrrelay.DefaultMaxLimit, float64(nostrrelay.DefaultMessagesPerSecond), nostrrelay.DefaultMessageBurst,
			nostrrelay.DefaultSendQueueBytes>>10, nostrrelay.DefaultFirstMessageTimeout, nostrrelay.DefaultPingInterval,
			mqttbroker.DefaultMaxPacketBytes>>10, mqttbroker.DefaultMaxPendingBytes>>10, mqttbroker.DefaultMaxClients,
			mqttbroker.DefaultMaxTopicBytes, mqttbroker.DefaultMaxTopicLevels, mqttbroker.DefaultMaxSubscriptions,
			float64(mqttbroker.DefaultPublishesPerSecond), mqttbroker.DefaultPublishBurst, mqttbroker.DefaultConnectTimeout,
			mqttbroker.DefaultIdleTimeout, mqttbroker.DefaultWriteTimeout,
			turn.DefaultMinPort, turn.DefaultMaxPort, turn.DefaultMaxAllocations, turn.DefaultMaxAllocationsPerIP,
			waku.DefaultMaxMessageBytes>>10, waku.DefaultMaxPendingBytes>>20, waku.DefaultMaxStreamsPerPeer,
			waku.DefaultRequestTimeout, waku.DefaultMaxTopicsPerPeer, waku.DefaultMaxTopicsPerRequest,
			waku.DefaultMaxTopicBytes, float64(waku.DefaultRequestsPerSecond), waku.DefaultRequestBurst,
			waku.DefaultPushQueueBytes>>10)
	}
	fs.Parse(args)
	o.turn.MinPort, o.turn.MaxPort = uint16(*minPort), uint16(*maxPort)
	if o.turn.Secret != "" {
		o.turn.PublicIP = net.ParseIP(strings.TrimSpace(*publicIP))
		if o.turn.PublicIP == nil {
			fmt.Fprintln(os.Stderr, "posthorn-relay: -turn-public-ip is required with a TURN secret")
			os.Exit(2)
		}
	}
	return o
}
