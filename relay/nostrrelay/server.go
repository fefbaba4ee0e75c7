package nostrrelay

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
	"github.com/posthorn/posthorn/relay/internal/wsgate"
)

// ErrClosed is returned by operations on a closed Server.
var ErrClosed = errors.New("nostrrelay: server closed")

// ErrRateLimited is the reason sent for messages over the rate limit (in
// an OK for an EVENT, a CLOSED for a REQ, a NOTICE otherwise).
var ErrRateLimited = errors.New("rate-limited: too many messages, slow down")

// Server is a NIP-01 relay. Create it with New, stop it with Close.
type Server struct {
	cfg  Config
	log  *slog.Logger
	gate *wsgate.Gate
	// counters are shared by every connection's wsconn.Conn.
	counters wsconn.Counters

	// mu guards the connections and their subscriptions. Events are matched
	// under the read lock; stored-event queries never hold it.
	mu    sync.RWMutex
	conns map[*conn]struct{}
	subs  *subIndex
	store *store
}

// New returns a running relay configured by cfg (zero = defaults).
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	log := cfg.Logger.With("component", "nostrrelay")
	return &Server{
		cfg: cfg, log: log, gate: wsgate.New(ErrClosed, log),
		conns: map[*conn]struct{}{}, subs: newSubIndex(), store: newStore(cfg.MaxStored, cfg.MaxStoredBytes),
	}
}

// Totals returns the server's traffic and limit counters, for package
// relay's metrics.
func (s *Server) Totals() wsconn.Totals { return s.counters.Totals() }

// Conns returns the open client connections.
func (s *Server) Conns() int { return s.gate.Live() }

// Subscriptions returns the live subscriptions of every connection.
func (s *Server) Subscriptions() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for c := range s.conns {
		n += len(c.subs)
	}
	return n
}

// Close disconnects every client and refuses new ones.
func (s *Server) Close() error {
	return s.gate.Close(nil)
}

// Stored returns the number of stored events and the bytes accounted for
// them against Config.MaxStoredBytes.
func (s *Server) Stored() (events, bytes int) { return s.store.stats() }

// ServeHTTP accepts a relay WebSocket and serves it until it closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, release, ok := s.gate.Accept(w, r, "posthorn nostr relay: WebSocket only (NIP-01)",
		&websocket.AcceptOptions{OriginPatterns: s.cfg.OriginPatterns})
	if !ok {
		return
	}
	defer release()
	ws.SetReadLimit(s.cfg.MaxMessageBytes)
	c := newConn(wsconn.New(s.gate.Context(), ws, s.cfg.limits(&s.counters)))
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()

	s.readLoop(c)

	s.mu.Lock()
	delete(s.conns, c)
	for _, sub := range c.subs {
		s.subs.remove(sub)
	}
	s.mu.Unlock()
	c.Close()
}

func (s *Server) readLoop(c *conn) {
	for {
		data, err := c.Read()
		if err != nil {
			return // closed, timed out, oversized (1009) or shutdown
		}
		select {
		case <-c.Dead():
			return
		default:
		}
		if !c.Allow() {
			c.send(refuseRateLimited(data))
			continue
		}
		c.Handle(func() { s.handle(c, data) })
	}
}

// handle processes one message of c (on a goroutine of its own, see
// wsconn.Conn.Handle).
func (s *Server) handle(c *conn, data []byte) {
	m, err := parseClientMessage(data, s.cfg.MaxFilters, s.cfg.MaxFilterValues)
	if err != nil {
		s.counters.Refused.Add(1)
		c.send(notice(err.Error()))
		return
	}
	switch m.Type {
	case "EVENT":
		s.onEvent(c, m.Event)
	case "REQ":
		s.onReq(c, m.SubID, m.Filters)
	case "CLOSE":
		s.mu.Lock()
		if sub := c.subs[m.SubID]; sub != nil {
			s.subs.remove(sub)
			delete(c.subs, m.SubID)
		}
		s.mu.Unlock()
	}
}

func (s *Server) onEvent(c *conn, raw json.RawMessage) {
	e, err := parseEvent(raw)
	if err != nil {
		id := eventIDOf(raw)
		if id == "" {
			c.send(notice(err.Error()))
			return
		}
		c.send(ok(id, false, err.Error()))
		return
	}
	if !e.ephemeral() && !s.store.add(e) {
		c.send(ok(e.ID, true, "duplicate: already have this event"))
		return
	}
	s.mu.RLock()
	s.subs.candidates(e, func(sub *subscription) {
		if matchesAny(sub.filters, e) {
			sub.conn.sendEvent(sub, e)
		}
	})
	s.mu.RUnlock()
	c.send(ok(e.ID, true, ""))
}

func (s *Server) onReq(c *conn, subID string, fs []filter) {
	sub := &subscription{conn: c, filters: fs, prefix: eventPrefix(subID)}
	s.mu.Lock()
	old, exists := c.subs[subID]
	if !exists && len(c.subs) >= s.cfg.MaxSubscriptions {
		s.mu.Unlock()
		s.counters.Refused.Add(1)
		c.send(closed(subID, "error: too many subscriptions"))
		return
	}
	if exists {
		s.subs.remove(old)
	}
	c.subs[subID] = sub
	s.subs.add(sub)
	s.mu.Unlock()
	seen := map[string]bool{}
	for i := range fs {
		limit := s.cfg.MaxLimit
		if fs[i].Limit != nil {
			limit = min(*fs[i].Limit, limit)
		}
		s.store.query(&fs[i], limit, func(e *event) {
			if !seen[e.ID] {
				seen[e.ID] = true
				c.sendEvent(sub, e)
			}
		})
	}
	c.send(mustJSON([]any{"EOSE", subID}))
}
