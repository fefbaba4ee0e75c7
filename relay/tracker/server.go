package tracker

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/relay/internal/wsconn"
	"github.com/posthorn/posthorn/relay/internal/wsgate"
)

// ErrClosed is returned by operations on a closed Server.
var ErrClosed = errors.New("tracker: server closed")

// Server is a WebTorrent tracker. It implements http.Handler: every request
// it serves must be a WebSocket upgrade. Create it with New; stop it with
// Close.
type Server struct {
	cfg  Config
	log  *slog.Logger
	gate *wsgate.Gate
	// counters are shared by every connection's wsconn.Conn.
	counters wsconn.Counters

	mu     sync.Mutex
	swarms map[string]*swarm
}

// New returns a running tracker configured by cfg (zero = defaults).
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	log := cfg.Logger.With("component", "tracker")
	s := &Server{
		cfg:    cfg,
		log:    log,
		gate:   wsgate.New(ErrClosed, log),
		swarms: make(map[string]*swarm),
	}
	s.gate.Go(s.sweepLoop)
	return s
}

// ServeHTTP accepts a tracker WebSocket and serves it until it closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, release, ok := s.gate.Accept(w, r, "posthorn tracker: WebSocket only (WebTorrent tracker protocol)",
		&websocket.AcceptOptions{
			OriginPatterns: s.cfg.OriginPatterns,
			// The reference tracker disables permessage-deflate too.
			CompressionMode: websocket.CompressionDisabled,
		})
	if !ok {
		return
	}
	defer release()
	ws.SetReadLimit(s.cfg.MaxMessageBytes)
	c := newConn(wsconn.New(s.gate.Context(), ws, s.cfg.limits(&s.counters)))
	s.readLoop(c)
	s.drop(c)
	c.Close()
}

func (s *Server) readLoop(c *conn) {
	for {
		data, err := c.Read()
		if err != nil {
			if websocket.CloseStatus(err) == -1 && !errors.Is(err, context.Canceled) {
				s.log.Debug("connection ended", "err", err)
			}
			return
		}
		if !c.Allow() {
			c.send(encode(parseFailure{FailureReason(ErrRateLimited)}))
			continue
		}
		req, err := ParseRequest(data)
		if err != nil {
			s.log.Debug("bad request", "err", err)
			c.send(encode(parseFailure{FailureReason(err)}))
			continue
		}
		c.out = s.handle(c, req, c.out)
		for i, o := range c.out {
			o.to.send(encode(o.msg))
			c.out[i] = outgoing{}
		}
		c.out = c.out[:0]
	}
}

// outgoing is a message handle decided to send: it is encoded and queued
// after s.mu is released, so that no other request waits for the JSON
// encoding of offers and answers (SDPs of a few KB each).
type outgoing struct {
	to  *conn
	msg any
}

// handle processes one valid request under s.mu and appends what it sends
// to out. A recipient that has gone by the time it is sent to is skipped
// by its closed queue.
func (s *Server) handle(c *conn, req *Request, out []outgoing) []outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	send := func(to *conn, msg any) { out = append(out, outgoing{to, msg}) }
	if req.Action == actionScrape {
		send(c, s.scrape(req))
		return out
	}
	if !validEvents[req.Event] {
		send(c, requestFailure{actionAnnounce, FailureReason(ErrInvalidEvent), req.InfoHash})
		return out
	}
	sw := s.swarms[req.InfoHash]
	var m *member
	if sw != nil {
		m = sw.members[req.PeerID]
	}
	// A peer_id belongs to the live socket that announced it first: no other
	// socket may update it, stop it or receive what is sent to it.
	if m != nil && m.conn != c {
		s.counters.Refused.Add(1)
		send(c, requestFailure{actionAnnounce, FailureReason(ErrPeerIDTaken), req.InfoHash})
		return out
	}
	if req.Event == "stopped" {
		if m != nil {
			s.remove(req.InfoHash, sw, m)
		}
		complete, incomplete := 0, 0
		if sw != nil {
			complete, incomplete = sw.counts()
		}
		send(c, announceResponse{complete, incomplete, actionAnnounce, s.cfg.intervalSecs(), req.InfoHash})
		return out
	}
	ids, already := c.joined[req.InfoHash]
	if !already && len(c.joined) >= s.cfg.MaxSwarmsPerConn {
		s.counters.Refused.Add(1)
		send(c, requestFailure{actionAnnounce, FailureReason(ErrTooManySwarms), req.InfoHash})
		return out
	}
	if m == nil && len(ids) >= s.cfg.MaxPeersPerConn {
		s.counters.Refused.Add(1)
		send(c, requestFailure{actionAnnounce, FailureReason(ErrTooManyPeers), req.InfoHash})
		return out
	}
	if sw == nil {
		sw = newSwarm()
		s.swarms[req.InfoHash] = sw
	}
	if m == nil {
		m = &member{id: req.PeerID, conn: c}
		sw.add(m)
		c.join(req.InfoHash, req.PeerID)
	}
	m.seen = time.Now()
	if req.Complete || req.Event == "completed" {
		sw.markComplete(m)
	}
	// The answerer gets no announce response (reference tracker behaviour).
	if req.Answer == nil {
		complete, incomplete := sw.counts()
		send(c, announceResponse{complete, incomplete, actionAnnounce, s.cfg.intervalSecs(), req.InfoHash})
	}
	n := len(req.Offers)
	if req.NumWant >= 0 {
		n = min(n, req.NumWant)
	}
	for i, to := range sw.pick(n, req.PeerID) {
		o := req.Offers[i]
		send(to.conn, forwardedOffer{actionAnnounce, o.Offer, o.OfferID, req.PeerID, req.InfoHash})
	}
	if req.Answer != nil {
		to := sw.members[req.ToPeerID]
		if to == nil {
			// Like the reference tracker: a server-side warning only.
			s.log.Debug("answer for unknown peer", "to_peer_id", req.ToPeerID)
			return out
		}
		send(to.conn, forwardedAnswer{actionAnnounce, req.Answer, req.OfferID, req.PeerID, req.InfoHash})
	}
	return out
}

func (s *Server) scrape(req *Request) scrapeResponse {
	resp := scrapeResponse{Action: actionScrape, Files: make(map[string]scrapeFile, len(req.ScrapeHashes))}
	resp.Flags.MinRequestInterval = s.cfg.intervalSecs()
	for _, h := range req.ScrapeHashes {
		var f scrapeFile
		if sw := s.swarms[h]; sw != nil {
			f.Complete, f.Incomplete = sw.counts()
			f.Downloaded = f.Complete
		}
		resp.Files[h] = f
	}
	return resp
}

// remove deletes one member; s.mu must be held.
func (s *Server) remove(infoHash string, sw *swarm, m *member) {
	m.conn.forget(infoHash, m.id)
	sw.remove(m)
	if len(sw.list) == 0 {
		delete(s.swarms, infoHash)
	}
}

// drop removes every member whose latest announce came over c.
func (s *Server) drop(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for infoHash, ids := range c.joined {
		sw := s.swarms[infoHash]
		if sw == nil {
			continue
		}
		for id := range ids {
			if m := sw.members[id]; m != nil && m.conn == c {
				s.remove(infoHash, sw, m)
			}
		}
	}
	c.joined = nil
}

// sweepLoop times out peers that stopped announcing (Config.PeerTTL).
func (s *Server) sweepLoop() {
	every := min(s.cfg.PeerTTL/4, time.Minute)
	t := time.NewTicker(max(every, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-s.gate.Context().Done():
			return
		case now := <-t.C:
			s.sweep(now)
		}
	}
}

func (s *Server) sweep(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for infoHash, sw := range s.swarms {
		for _, m := range sw.members {
			if now.Sub(m.seen) > s.cfg.PeerTTL {
				s.remove(infoHash, sw, m)
			}
		}
	}
}

// Stats reports the number of swarms and of peers over all swarms.
func (s *Server) Stats() (swarms, peers int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sw := range s.swarms {
		peers += len(sw.members)
	}
	return len(s.swarms), peers
}

// Totals returns the server's traffic and limit counters, for package
// relay's metrics.
func (s *Server) Totals() wsconn.Totals { return s.counters.Totals() }

// Conns returns the open client connections.
func (s *Server) Conns() int { return s.gate.Live() }

// Close disconnects every client and stops the server. It is idempotent.
func (s *Server) Close() error {
	return s.gate.Close(nil)
}
