// Package relay assembles posthorn's self-hostable signalling relays into one
// http.Handler, so a single process (cmd/posthorn-relay) on a single port
// serves every strategy's relay. Services are told apart by URL path:
//
//	/        WebTorrent tracker (relay/tracker); every path not claimed below,
//	         so ws://host:port/ and ws://host:port/announce both work
//	/nostr   Nostr relay (relay/nostrrelay)
//	/mqtt    MQTT over WebSocket (relay/mqttbroker)
//	/healthz 200 "ok" while serving
//	/metrics Prometheus metrics (keep it private)
//
// Clients point each strategy's relayUrls at its path, e.g.
// torrent: ws://127.0.0.1:8000/, nostr: ws://127.0.0.1:8000/nostr,
// mqtt: ws://127.0.0.1:8000/mqtt. WebSocket upgrades are admitted within
// Config.MaxConns and MaxConnsPerIP before they reach a service; every
// service bounds what one connection may hold (see docs/relay.md).
//
// Adding a service: build it in New from a new Config field and Mount it at
// its path with its Close function; nothing else changes.
package relay

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/relay/tracker"
)

// Paths of the services on the shared mux.
const (
	// TrackerPath is a catch-all: WebTorrent tracker URLs are used as given
	// and commonly end in "/" or "/announce" (protocol-0.18 §7.1 defaults).
	TrackerPath = "/"
	// NostrPath is where the Nostr relay is mounted.
	NostrPath = "/nostr"
	// MQTTPath is where the MQTT-over-WebSocket broker is mounted; "/mqtt"
	// is the path MQTT.js and public brokers use by convention.
	MQTTPath = "/mqtt"
)

// Config configures a Relay; the zero value serves every service with its
// own defaults.
type Config struct {
	Tracker tracker.Config
	Nostr   nostrrelay.Config
	MQTT    mqttbroker.Config
	// MaxConns and MaxConnsPerIP cap the WebSockets of all services
	// together, in total and per client address; over a cap the upgrade is
	// answered 503. Zero means DefaultMaxConns and DefaultMaxConnsPerIP.
	MaxConns      int
	MaxConnsPerIP int
	// ClientIPHeader names a header carrying the client address, such as
	// "X-Forwarded-For", set by a reverse proxy in front of the relay; its
	// last entry is used for MaxConnsPerIP. Leave it empty when clients
	// connect directly: they could forge it.
	ClientIPHeader string
	// Logger is passed to services whose own config leaves it nil; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Relay is the combined handler. Create it with New, stop it with Close.
type Relay struct {
	log      *slog.Logger
	mux      *http.ServeMux
	admit    *admission
	refused  *prometheus.CounterVec
	registry *prometheus.Registry
	Tracker  *tracker.Server
	Nostr    *nostrrelay.Server
	MQTT     *mqttbroker.Server

	mu      sync.Mutex
	closers []func() error
}

// New builds a Relay with every service mounted.
func New(cfg Config) *Relay {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.MaxConnsPerIP <= 0 {
		cfg.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	r := &Relay{log: cfg.Logger, mux: http.NewServeMux(), admit: newAdmission(cfg.MaxConns, cfg.MaxConnsPerIP, cfg.ClientIPHeader)}

	tc := cfg.Tracker
	if tc.Logger == nil {
		tc.Logger = cfg.Logger
	}
	r.Tracker = tracker.New(tc)
	r.Mount(TrackerPath, r.Tracker, r.Tracker.Close)

	nc := cfg.Nostr
	if nc.Logger == nil {
		nc.Logger = cfg.Logger
	}
	r.Nostr = nostrrelay.New(nc)
	r.Mount(NostrPath, r.Nostr, r.Nostr.Close)

	mc := cfg.MQTT
	if mc.Logger == nil {
		mc.Logger = cfg.Logger
	}
	r.MQTT = mqttbroker.New(mc)
	r.Mount(MQTTPath, r.MQTT, r.MQTT.Close)

	r.newMetrics()
	return r
}

// Mount serves h at pattern (http.ServeMux syntax) and calls closeFn, if not
// nil, from Close.
func (r *Relay) Mount(pattern string, h http.Handler, closeFn func() error) {
	r.mux.Handle(pattern, h)
	if closeFn != nil {
		r.mu.Lock()
		r.closers = append(r.closers, closeFn)
		r.mu.Unlock()
	}
}

// ServeHTTP dispatches to the service mounted at the request's path. A
// WebSocket upgrade over MaxConns or MaxConnsPerIP gets 503 instead. An
// upgrade's handler runs detached from net/http's connection (serveDetached)
// and lasts as long as its WebSocket, so the count is exact.
func (r *Relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Header.Get("Upgrade") == "" {
		r.mux.ServeHTTP(w, req)
		return
	}
	ip := r.admit.clientIP(req)
	if ok, limit := r.admit.enter(ip); !ok {
		r.refused.WithLabelValues(limit).Inc()
		r.log.Debug("connection refused", "cap", limit, "client", ip)
		w.Header().Set("Retry-After", "10")
		http.Error(w, "posthorn-relay: too many connections", http.StatusServiceUnavailable)
		return
	}
	serveDetached(w, req, r.mux, r.log.Error, func() { r.admit.leave(ip) })
}

// Conns returns the WebSockets open through r.
func (r *Relay) Conns() int { return r.admit.live() }

// Close stops every mounted service, in reverse mount order.
func (r *Relay) Close() error {
	r.mu.Lock()
	closers := r.closers
	r.closers = nil
	r.mu.Unlock()
	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		errs = append(errs, closers[i]())
	}
	return errors.Join(errs...)
}
