package posthorn

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/posthorn/posthorn/internal/v025/reqres"
	"github.com/posthorn/posthorn/transfer"
)

// The answering side of requests (docs/protocol-0.25.md §8). A remote peer
// fills what is held here, so each connection's requests that are waiting
// for a handler or being handled are bounded in count and bytes; requests
// beyond are dropped (logged), and their senders time out.
const (
	maxPeerRequests            = 64
	maxPeerRequestBytes  int64 = 16 << 20
	requestFailedDefault       = "request failed"
)

// RequestHandler answers one request from peer peerID: req is the
// request's data, with req.Meta the metadata the requester gave (nil if
// none). What it returns is sent back as the response, encoded as Send
// encodes data (nil is JSON null); an error is sent back as the failure
// message err.Error(). ctx ends when the peer leaves or the Room is left.
type RequestHandler func(ctx context.Context, req Message, peerID string) (any, error)

// incoming is a received request not yet answered.
type incoming struct {
	m     Message
	id    string // the request id
	c     *conn
	size  int64
	timer *time.Timer // while waiting for a handler
}

// OnRequest sets the handler of this request action's requests; only the
// latest one registered is called, each call on its own goroutine.
// Requests that arrived before any handler was set wait for one for 500 ms,
// then are answered "request handler unavailable", as JS does. Setting
// nil makes later requests wait that way again. On an action that is not a
// request action it returns ErrActionKind.
func (a *Action) OnRequest(h RequestHandler) error {
	if !a.isRequest {
		return ErrActionKind
	}
	a.mu.Lock()
	a.onRequest = h
	var held []*incoming
	if h != nil {
		held, a.held = a.held, nil
	}
	a.mu.Unlock()
	// Taken out of held, they are no longer the timers' to answer.
	for _, in := range held {
		in.timer.Stop()
		go a.r.serve(in, h)
	}
	return nil
}

// gotRequest takes a complete message of request action a: a request with
// request metadata goes to the handler, or waits reqres.HandlerWait for
// one. Messages without it are ignored, as JS ignores them.
func (r *Room) gotRequest(a *Action, m Message, c *conn) {
	req, err := reqres.ParseRequest(m.Meta)
	if err != nil {
		c.complain(r.log, "room: dropped a message without request metadata on a request action", "action", a.name, "err", err)
		return
	}
	in := &incoming{m: m, id: req.ID, c: c, size: int64(len(m.Data) + len(m.Meta))}
	in.m.Meta = req.User
	r.mu.Lock()
	if c.requests >= maxPeerRequests || c.requestBytes+in.size > maxPeerRequestBytes {
		r.mu.Unlock()
		c.complain(r.log, "room: dropped a request: too many pending from this peer", "action", a.name)
		return
	}
	c.requests++
	c.requestBytes += in.size
	r.mu.Unlock()

	a.mu.Lock()
	defer a.mu.Unlock()
	if h := a.onRequest; h != nil {
		go r.serve(in, h)
		return
	}
	a.held = append(a.held, in)
	in.timer = time.AfterFunc(reqres.HandlerWait, func() {
		a.mu.Lock()
		i := slices.Index(a.held, in)
		if i >= 0 {
			a.held = slices.Delete(a.held, i, i+1)
		}
		a.mu.Unlock()
		if i >= 0 {
			r.respond(in, nil, reqres.Unavailable)
		}
	})
}

// serve runs h on a request and sends its response.
func (r *Room) serve(in *incoming, h RequestHandler) {
	v, err := h(in.c.ctx, in.m, in.c.id)
	if err != nil {
		msg := err.Error()
		if msg == "" {
			msg = requestFailedDefault
		}
		r.respond(in, nil, msg)
		return
	}
	r.respond(in, v, "")
}

// respond sends the response to in, a failure when errMsg is not empty,
// and releases in's share of its connection's bounds. A response that
// cannot be encoded is sent as a failure naming why.
func (r *Room) respond(in *incoming, v any, errMsg string) {
	defer r.releaseRequest(in)
	if in.c.ctx.Err() != nil {
		return // the peer left, or the Room was left
	}
	if errMsg == "" {
		kind, payload, err := encodeData(v)
		if err == nil {
			err = r.sendResponse(in, kind, payload, reqres.Response{ID: in.id})
		}
		if err == nil || in.c.ctx.Err() != nil {
			return
		}
		r.log.Warn("room: response not sent", "peer", in.c.id, "err", err)
		errMsg = err.Error()
	}
	err := r.sendResponse(in, transfer.KindJSON, []byte("null"), reqres.Response{ID: in.id, Failed: true, Err: errMsg})
	if err != nil && in.c.ctx.Err() == nil {
		r.log.Warn("room: failure response not sent", "peer", in.c.id, "err", err)
	}
}

// releaseRequest gives back in's share of its connection's request bounds.
func (r *Room) releaseRequest(in *incoming) {
	r.mu.Lock()
	in.c.requests--
	in.c.requestBytes -= in.size
	r.mu.Unlock()
}

// sendResponse sends one @_response to in's connection.
func (r *Room) sendResponse(in *incoming, kind transfer.Kind, payload []byte, resp reqres.Response) error {
	meta, err := resp.Marshal()
	if err != nil {
		return err
	}
	tx, err := r.response.nonces.Encode(r.prof.Framing, r.response.name, kind, payload, meta)
	if err != nil {
		return err
	}
	return r.sendChunks(in.c.ctx, tx, target{in.c.id, in.c}, nil)
}

// userMeta is the requester's metadata in a request's metadata, nil when
// there is none (or the metadata is not a request's), as JS's progress
// handlers of request actions see it.
func userMeta(meta json.RawMessage) json.RawMessage {
	if meta == nil {
		return nil
	}
	req, err := reqres.ParseRequest(meta)
	if err != nil {
		return nil
	}
	return req.User
}
