package mqttbroker

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
	"github.com/posthorn/posthorn/relay/internal/wsgate"
)

// ErrClosed is returned for connections that arrive after Close.
var ErrClosed = errors.New("mqttbroker: server closed")

// Subprotocols are the WebSocket subprotocols accepted: "mqtt" is what MQTT.js
// (and so Trystero, protocol-0.18 §7.3) and paho send for MQTT 3.1.1 and 5;
// "mqttv3.1" is MQTT.js's choice for the older MQTT 3.1.
var Subprotocols = []string{"mqtt", "mqttv3.1"}

// mochiReadBufferBytes sizes mochi's per-client read buffer (2 KiB by
// default): a fixed header and a Trystero announcement fit in it.
const mochiReadBufferBytes = 256

// Server is an MQTT-over-WebSocket broker. It implements http.Handler: every
// request it serves must be a WebSocket upgrade. Create it with New; stop it
// with Close.
type Server struct {
	cfg   Config
	log   *slog.Logger
	mochi *mqtt.Server
	l     *handlerListener
	gate  *wsgate.Gate // reports a start-up failure (Fail) to every upgrade
	// counters holds what mochi does not count: limit hits.
	counters wsconn.Counters
}

// New returns a running broker configured by cfg (zero = defaults).
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	log := cfg.Logger.With("component", "mqttbroker")
	s := &Server{
		cfg:  cfg,
		log:  log,
		l:    newHandlerListener(),
		gate: wsgate.New(ErrClosed, log),
	}
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumClients = int64(cfg.MaxClients)
	caps.MaximumPacketSize = uint32(min(cfg.MaxPacketBytes, math.MaxUint32))
	// Publishes are queued by limitHook (fanOut), bounded in bytes; mochi's
	// own queue, bounded in packets, is left with nothing to carry.
	caps.MaximumClientWritesPending = 1
	// Trystero publishes and subscribes at QoS 0 (protocol-0.18 §7.3); QoS 1
	// and 2 would hold messages until acknowledged, outside the byte bound.
	caps.MaximumQos = 0
	// No persistent sessions (see Config); limitHook makes clients clean.
	caps.MaximumSessionExpiryInterval = 0
	// Retained messages would be stored without bound by topic; Trystero
	// never retains (protocol-0.18 §7.3: retain=false).
	caps.RetainAvailable = 0
	s.mochi = mqtt.New(&mqtt.Options{
		Capabilities: caps,
		Logger:       mochiLogger(s.log),
		// mochi reads through a buffer of its own on top of the WebSocket's
		// (relay's detach: 1 KiB), held for the client's life; it reads
		// packets larger than the buffer straight through, so a small one
		// costs a few more calls for mid-sized packets only.
		ClientNetReadBufferSize: mochiReadBufferBytes,
	})
	if err := s.start(); err != nil {
		s.log.Error("broker failed to start", "err", err)
		s.gate.Fail(err)
	}
	return s
}

func (s *Server) start() error {
	// Anonymous clients may do anything, as on the public brokers of §7.3.
	if err := s.mochi.AddHook(newLimitHook(s.cfg, s.mochi, &s.counters), nil); err != nil {
		return fmt.Errorf("mqttbroker: auth hook: %w", err)
	}
	if err := s.mochi.AddListener(s.l); err != nil {
		return fmt.Errorf("mqttbroker: listener: %w", err)
	}
	if err := s.mochi.Serve(); err != nil {
		return fmt.Errorf("mqttbroker: serve: %w", err)
	}
	return nil
}

// ServeHTTP accepts an MQTT WebSocket and serves its session until it ends.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, release, ok := s.gate.Accept(w, r, "posthorn mqtt broker: WebSocket only (MQTT over WebSocket, subprotocol mqtt)",
		&websocket.AcceptOptions{
			Subprotocols:    Subprotocols,
			OriginPatterns:  s.cfg.OriginPatterns,
			CompressionMode: websocket.CompressionDisabled,
		})
	if !ok {
		return
	}
	defer release()
	remote := r.RemoteAddr // r is not kept for the session's life
	if ws.Subprotocol() == "" {
		// MQTT over WebSocket requires the subprotocol (MQTT 5.0 §6.0).
		ws.Close(websocket.StatusPolicyViolation, "mqttbroker: subprotocol mqtt required")
		return
	}
	// NetConn lifts coder/websocket's read limit; mochi enforces
	// MaxPacketBytes on every packet instead. Binary messages only (§6.0).
	nc := websocket.NetConn(s.gate.Context(), ws, websocket.MessageBinary)
	defer nc.Close()
	// CONNECT must arrive within ConnectTimeout; mochi replaces the deadline
	// after CONNECT (capped at IdleTimeout by deadlineConn).
	nc.SetReadDeadline(time.Now().Add(s.cfg.ConnectTimeout))
	// mochi starts two goroutines and a client's state for every connection
	// it is given: it is given this one once CONNECT starts to arrive, so a
	// connection that never speaks costs only this goroutine.
	first := make([]byte, 1)
	if _, err := io.ReadFull(nc, first); err != nil {
		s.log.Debug("no CONNECT", "remote", remote, "err", err)
		return
	}
	conn := &deadlineConn{Conn: nc, unread: first, idle: s.cfg.IdleTimeout, write: s.cfg.WriteTimeout}
	if err := s.l.serve(conn); err != nil {
		s.log.Debug("mqtt session ended", "remote", remote, "err", err)
	}
}

// Close disconnects every client and stops the broker. Later connections
// are refused.
func (s *Server) Close() error {
	return s.gate.Close(s.mochi.Close)
}

// Clients returns the number of connected MQTT clients.
func (s *Server) Clients() int {
	return int(atomic.LoadInt64(&s.mochi.Info.ClientsConnected))
}

// Totals returns the broker's traffic (PUBLISH messages, all bytes, as
// mochi counts them) and limit counters (QueueDrops: publishes dropped for
// a full queue), for package relay's metrics.
func (s *Server) Totals() wsconn.Totals {
	t := s.counters.Totals()
	i := s.mochi.Info
	t.MessagesIn = atomic.LoadInt64(&i.MessagesReceived)
	t.MessagesOut = atomic.LoadInt64(&i.MessagesSent)
	t.BytesIn = atomic.LoadInt64(&i.BytesReceived)
	t.BytesOut = atomic.LoadInt64(&i.BytesSent)
	return t
}

// Subscriptions returns the live subscriptions.
func (s *Server) Subscriptions() int {
	return int(atomic.LoadInt64(&s.mochi.Info.Subscriptions))
}

// Sessions returns the number of sessions mochi holds, connected or not;
// sessions are never kept after their client leaves.
func (s *Server) Sessions() int {
	return s.mochi.Clients.Len()
}
