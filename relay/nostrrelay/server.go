package nostrrelay

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/wsgate"
)

// ErrClosed is returned by operations on a closed Server.
var ErrClosed = errors.New("nostrrelay: server closed")

// Server is a NIP-01 relay. Create it with New, stop it with Close.
type Server struct {
	cfg  Config
	log  *slog.Logger
	gate *wsgate.Gate

	mu    sync.Mutex
	conns map[*conn]struct{}
	store *store
}

// New returns a running relay configured by cfg (zero = defaults).
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	log := cfg.Logger.With("component", "nostrrelay")
	return &Server{
		cfg: cfg, log: log, gate: wsgate.New(ErrClosed, log),
		conns: map[*conn]struct{}{}, store: newStore(cfg.MaxStored),
	}
}

// Close disconnects every client and refuses new ones.
func (s *Server) Close() error {
	return s.gate.Close(nil)
}

// ServeHTTP accepts a relay WebSocket and serves it until it closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, release, ok := s.gate.Accept(w, r, "posthorn nostr relay: WebSocket only (NIP-01)",
		&websocket.AcceptOptions{OriginPatterns: s.cfg.OriginPatterns})
	if !ok {
		return
	}
	defer release()
	ws.SetReadLimit(s.cfg.MaxMessageBytes)
	c := newConn(ws, s.cfg.SendQueue)
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	go c.writeLoop(s.gate.Context(), s.cfg.WriteTimeout)

	s.readLoop(c)

	c.kill(websocket.StatusNormalClosure, "")
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) readLoop(c *conn) {
	for {
		_, data, err := c.ws.Read(s.gate.Context())
		if err != nil {
			return // closed, oversized (coder/websocket closes with 1009) or shutdown
		}
		select {
		case <-c.dead:
			return
		default:
		}
		m, err := parseClientMessage(data, s.cfg.MaxFilters)
		if err != nil {
			c.enqueue(notice(err.Error()))
			continue
		}
		switch m.Type {
		case "EVENT":
			s.onEvent(c, m.Event)
		case "REQ":
			s.onReq(c, m.SubID, m.Filters)
		case "CLOSE":
			s.mu.Lock()
			delete(c.subs, m.SubID)
			s.mu.Unlock()
		}
	}
}

func (s *Server) onEvent(c *conn, raw json.RawMessage) {
	e, err := parseEvent(raw)
	if err != nil {
		id := eventIDOf(raw)
		if id == "" {
			c.enqueue(notice(err.Error()))
			return
		}
		c.enqueue(ok(id, false, err.Error()))
		return
	}
	s.mu.Lock()
	if !e.ephemeral() && !s.store.add(e) {
		s.mu.Unlock()
		c.enqueue(ok(e.ID, true, "duplicate: already have this event"))
		return
	}
	for other := range s.conns {
		for subID, fs := range other.subs {
			if matchesAny(fs, e) {
				other.enqueue(eventMsg(subID, e))
			}
		}
	}
	s.mu.Unlock()
	c.enqueue(ok(e.ID, true, ""))
}

func (s *Server) onReq(c *conn, subID string, fs []filter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := c.subs[subID]; !exists && len(c.subs) >= s.cfg.MaxSubscriptions {
		c.enqueue(closed(subID, "error: too many subscriptions"))
		return
	}
	c.subs[subID] = fs
	seen := map[string]bool{}
	for i := range fs {
		limit := s.cfg.MaxLimit
		if fs[i].Limit != nil {
			limit = min(*fs[i].Limit, limit)
		}
		for _, e := range s.store.query(&fs[i], limit) {
			if !seen[e.ID] {
				seen[e.ID] = true
				c.enqueue(eventMsg(subID, e))
			}
		}
	}
	c.enqueue(mustJSON([]any{"EOSE", subID}))
}
