package relay

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
)

// Paths of the operational endpoints (plain HTTP GET).
const (
	// HealthPath answers 200 "ok" while the relay serves.
	HealthPath = "/healthz"
	// MetricsPath serves Prometheus metrics; keep it private (see README).
	MetricsPath = "/metrics"
)

// service is what the metrics read from each mounted service.
type service interface {
	Totals() wsconn.Totals
}

// Service is a service that runs beside the relay on a listener of its own,
// such as the Waku node (relay/waku), whose metrics the relay serves.
type Service interface {
	service
	// Conns returns its open connections.
	Conns() int
	// Subscriptions returns its live subscriptions.
	Subscriptions() int
}

// counter is one counter of a service's Totals, per service label.
type counter struct {
	name, help string
	labels     prometheus.Labels
	read       func(wsconn.Totals) int64
}

var counters = []counter{
	{"posthorn_relay_messages_total", "Messages received (MQTT: PUBLISH packets; Waku: LightPush requests, out: filter pushes).", prometheus.Labels{"direction": "in"}, func(t wsconn.Totals) int64 { return t.MessagesIn }},
	{"posthorn_relay_messages_total", "Messages received (MQTT: PUBLISH packets; Waku: LightPush requests, out: filter pushes).", prometheus.Labels{"direction": "out"}, func(t wsconn.Totals) int64 { return t.MessagesOut }},
	{"posthorn_relay_bytes_total", "Bytes received and sent.", prometheus.Labels{"direction": "in"}, func(t wsconn.Totals) int64 { return t.BytesIn }},
	{"posthorn_relay_bytes_total", "Bytes received and sent.", prometheus.Labels{"direction": "out"}, func(t wsconn.Totals) int64 { return t.BytesOut }},
	{"posthorn_relay_drops_total", "Connections or messages dropped: send queue full (MQTT: publishes to a full queue), write or ping failed.", prometheus.Labels{"reason": "queue_full"}, func(t wsconn.Totals) int64 { return t.QueueDrops }},
	{"posthorn_relay_drops_total", "Connections or messages dropped: send queue full (MQTT: publishes to a full queue), write or ping failed.", prometheus.Labels{"reason": "write_failed"}, func(t wsconn.Totals) int64 { return t.WriteFailures }},
	{"posthorn_relay_limit_hits_total", "Requests refused or connections closed by a limit.", prometheus.Labels{"limit": "rate"}, func(t wsconn.Totals) int64 { return t.RateLimited }},
	{"posthorn_relay_limit_hits_total", "Requests refused or connections closed by a limit.", prometheus.Labels{"limit": "deadline"}, func(t wsconn.Totals) int64 { return t.Timeouts }},
	{"posthorn_relay_limit_hits_total", "Requests refused or connections closed by a limit.", prometheus.Labels{"limit": "request"}, func(t wsconn.Totals) int64 { return t.Refused }},
}

// registerCounters registers svc's counters under the service label name.
func registerCounters(reg prometheus.Registerer, name string, svc service) {
	for _, c := range counters {
		labels := prometheus.Labels{"service": name}
		for k, v := range c.labels {
			labels[k] = v
		}
		read := c.read
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help, ConstLabels: labels},
			func() float64 { return float64(read(svc.Totals())) }))
	}
}

// AddService serves svc's metrics under the service label name, in the same
// series as the mounted services, and calls closeFn, if not nil, from Close.
func (r *Relay) AddService(name string, svc Service, closeFn func() error) {
	labels := prometheus.Labels{"service": name}
	r.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "posthorn_relay_connections", Help: "Open connections per service.", ConstLabels: labels},
			func() float64 { return float64(svc.Conns()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "posthorn_relay_subscriptions", Help: "Live subscriptions (Trystero holds two per room).", ConstLabels: labels},
			func() float64 { return float64(svc.Subscriptions()) }))
	registerCounters(r.registry, name, svc)
	if closeFn != nil {
		r.mu.Lock()
		r.closers = append(r.closers, closeFn)
		r.mu.Unlock()
	}
}

// newMetrics registers the relay's metrics: the Go runtime's, connections
// and refusals of the admission caps, and per service its connections,
// rooms or subscriptions, messages, bytes, drops and limit hits.
func (r *Relay) newMetrics() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "posthorn_relay_connections_refused_total",
		Help: "WebSocket upgrades refused by a connection cap (cap: total or per_ip).",
	}, []string{"cap"})
	reg.MustRegister(r.refused)
	gauge := func(name, help string, labels prometheus.Labels, f func() float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, f))
	}
	gauge("posthorn_relay_connections_admitted", "WebSockets open over all services.", nil,
		func() float64 { return float64(r.admit.live()) })
	gauge("posthorn_relay_connections", "Open connections per service.", prometheus.Labels{"service": "tracker"},
		func() float64 { return float64(r.Tracker.Conns()) })
	gauge("posthorn_relay_connections", "Open connections per service.", prometheus.Labels{"service": "nostr"},
		func() float64 { return float64(r.Nostr.Conns()) })
	gauge("posthorn_relay_connections", "Open connections per service.", prometheus.Labels{"service": "mqtt"},
		func() float64 { return float64(r.MQTT.Clients()) })
	gauge("posthorn_relay_rooms", "Tracker swarms (one per room).", prometheus.Labels{"service": "tracker"},
		func() float64 { sw, _ := r.Tracker.Stats(); return float64(sw) })
	gauge("posthorn_relay_peers", "Tracker peers over all swarms.", prometheus.Labels{"service": "tracker"},
		func() float64 { _, p := r.Tracker.Stats(); return float64(p) })
	gauge("posthorn_relay_subscriptions", "Live subscriptions (Trystero holds two per room).", prometheus.Labels{"service": "nostr"},
		func() float64 { return float64(r.Nostr.Subscriptions()) })
	gauge("posthorn_relay_subscriptions", "Live subscriptions (Trystero holds two per room).", prometheus.Labels{"service": "mqtt"},
		func() float64 { return float64(r.MQTT.Subscriptions()) })
	gauge("posthorn_relay_nostr_stored_bytes", "Bytes of stored Nostr events, against their budget.", nil,
		func() float64 { _, b := r.Nostr.Stored(); return float64(b) })

	for name, svc := range map[string]service{"tracker": r.Tracker, "nostr": r.Nostr, "mqtt": r.MQTT} {
		registerCounters(reg, name, svc)
	}
	r.registry = reg
	r.mux.Handle(MetricsPath, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	r.mux.HandleFunc(HealthPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// Registry is the relay's Prometheus registry, served at MetricsPath; a
// caller may add collectors of its own (posthorn-relay adds TURN's).
func (r *Relay) Registry() *prometheus.Registry { return r.registry }
