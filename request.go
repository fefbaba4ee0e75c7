package posthorn

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/posthorn/posthorn/internal/v025/reqres"
	"github.com/posthorn/posthorn/transfer"
)

// Requests and responses (Trystero 0.25, docs/protocol-0.25.md §8): a
// request action sends a request to a peer, whose handler's return value
// (or error) comes back as the response on the internal action @_response.
// This file is the asking side; request_serve.go the answering side.

// RequestOptions are Request's and RequestMany's optional arguments; a nil
// *RequestOptions means none of them.
type RequestOptions struct {
	// Meta is metadata sent with the request, nil for none: any value that
	// marshals to JSON, or a json.RawMessage. The handler sees it as its
	// request's Meta.
	Meta any
	// Timeout bounds the wait for a response once the request has been
	// handed to the peer's channel (JS's timeoutMs); 0 means no bound but
	// ctx. A request that times out fails with ErrRequestTimeout.
	Timeout time.Duration
	// OnProgress, if set, is called as the request's chunks are handed to a
	// target's channel, as for SendOptions.OnProgress.
	OnProgress func(pct float64, peerID string)
}

// RequestResult is one peer's outcome of RequestMany: its response, or
// why there is none.
type RequestResult struct {
	PeerID   string
	Response Message // valid when Err is nil
	Err      error
}

// RequestError is a peer's answer that its handler failed, with the
// message it gave: the handler's error, or "request handler unavailable"
// when the peer had no handler for the action within 500 ms.
type RequestError struct {
	PeerID string
	Msg    string
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("posthorn: request to %s failed: %s", e.PeerID, e.Msg)
}

// Is makes errors.Is(err, ErrRequestFailed) true, and
// errors.Is(err, ErrNoHandler) when the peer had no handler.
func (e *RequestError) Is(target error) bool {
	return target == ErrRequestFailed || (target == ErrNoHandler && e.Msg == reqres.Unavailable)
}

// waiter is a request waiting for its response; reply is buffered so that
// whoever removes the waiter from Room.requests can answer it without
// blocking.
type waiter struct {
	peer  string
	reply chan reply
}

type reply struct {
	m   Message
	err error
}

// MakeRequestAction returns the request action called name, creating it on
// first use (makeAction(name, {kind: "request"}) in JS 0.25). Only rooms
// on Protocol025 have them (ErrRequestUnsupported); a name already made as
// an ordinary action gives ErrActionKind. Its other checks are MakeAction's.
func (r *Room) MakeRequestAction(name string) (*Action, error) {
	if r.v025 == nil {
		return nil, ErrRequestUnsupported
	}
	return r.makeAction(name, true)
}

// Request sends data (encoded as by Send) to peer id as a request and
// returns the peer's response: its handler's return value. It fails with a
// *RequestError (matching ErrRequestFailed) when the peer's handler failed
// or there was none, ErrRequestTimeout after opts.Timeout, ErrPeerLeft when
// the peer leaves first, ErrLeft when the Room is left, a *UnknownPeerError
// for a peer not in the room, and ctx's error when ctx ends first. The
// action must be a request action (ErrActionKind).
func (a *Action) Request(ctx context.Context, id string, data any, opts *RequestOptions) (Message, error) {
	if opts == nil {
		opts = &RequestOptions{}
	}
	out, err := a.prepareRequest(data, opts)
	if err != nil {
		return Message{}, err
	}
	return a.request(ctx, id, out, opts)
}

// RequestMany sends data as a request to each peer of ids (nil: every peer
// in the room) in parallel and returns one result per peer, in the order of
// ids, each with the response or the error Request would have returned.
// Its own error is for what fails before anything is sent: the action's
// kind, data or metadata that cannot be encoded, a Room already left.
func (a *Action) RequestMany(ctx context.Context, ids []string, data any, opts *RequestOptions) ([]RequestResult, error) {
	if opts == nil {
		opts = &RequestOptions{}
	}
	out, err := a.prepareRequest(data, opts)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		if ids, err = a.r.peerIDs(); err != nil {
			return nil, err
		}
	}
	res := make([]RequestResult, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			m, err := a.request(ctx, id, out, opts)
			res[i] = RequestResult{PeerID: id, Response: m, Err: err}
		})
	}
	wg.Wait()
	return res, nil
}

// outgoingRequest is a request's encoded data and user metadata.
type outgoingRequest struct {
	data, user []byte
	kind       transfer.Kind
}

// prepareRequest checks the action and encodes data and opts.Meta once for
// every target.
func (a *Action) prepareRequest(data any, opts *RequestOptions) (outgoingRequest, error) {
	if !a.isRequest {
		return outgoingRequest{}, ErrActionKind
	}
	if a.r.isLeft() {
		return outgoingRequest{}, ErrLeft
	}
	user, err := encodeMeta(opts.Meta)
	if err != nil {
		return outgoingRequest{}, err
	}
	kind, payload, err := encodeData(data)
	if err != nil {
		return outgoingRequest{}, err
	}
	return outgoingRequest{data: payload, user: user, kind: kind}, nil
}

// request asks one peer.
func (a *Action) request(ctx context.Context, id string, out outgoingRequest, opts *RequestOptions) (Message, error) {
	r := a.r
	reqID := reqres.NewID()
	meta, err := reqres.Request{ID: reqID, User: out.user}.Marshal()
	if err != nil {
		return Message{}, fmt.Errorf("room: request metadata: %w", err)
	}
	tx, err := a.nonces.Encode(r.prof.Framing, a.name, out.kind, out.data, meta)
	if err != nil {
		return Message{}, err
	}
	w := &waiter{peer: id, reply: make(chan reply, 1)}
	r.mu.Lock()
	if r.left {
		r.mu.Unlock()
		return Message{}, ErrLeft
	}
	rem := r.peers[id]
	if rem == nil {
		r.mu.Unlock()
		return Message{}, &UnknownPeerError{ID: id}
	}
	t := target{id, rem.active}
	r.requests[reqID] = w
	r.mu.Unlock()
	defer r.forgetRequest(reqID)

	if err := r.sendChunks(ctx, tx, t, opts.OnProgress); err != nil {
		if errors.Is(err, ErrPeerLeft) {
			return Message{}, fmt.Errorf("posthorn: request to %s: %w", id, ErrPeerLeft)
		}
		return Message{}, err
	}
	var expire <-chan time.Time
	if opts.Timeout > 0 {
		tm := time.NewTimer(opts.Timeout)
		defer tm.Stop()
		expire = tm.C
	}
	select {
	case rep := <-w.reply:
		return rep.m, rep.err
	case <-ctx.Done():
		return Message{}, ctx.Err()
	case <-expire:
		return Message{}, fmt.Errorf("posthorn: request to %s: %w after %v", id, ErrRequestTimeout, opts.Timeout)
	}
}

// forgetRequest removes a request's waiter, if still there.
func (r *Room) forgetRequest(reqID string) {
	r.mu.Lock()
	delete(r.requests, reqID)
	r.mu.Unlock()
}

// peerIDs returns the ids of the peers in the room.
func (r *Room) peerIDs() ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.left {
		return nil, ErrLeft
	}
	ids := make([]string, 0, len(r.peers))
	for id := range r.peers {
		ids = append(ids, id)
	}
	return ids, nil
}

// gotResponse hands an @_response to the request it answers. Responses
// to no pending request of that peer (late ones, after a timeout) are
// dropped, as JS does.
func (r *Room) gotResponse(m Message, c *conn) {
	resp, err := reqres.ParseResponse(m.Meta)
	if err != nil {
		c.complain(r.log, "room: dropped a response", "err", err)
		return
	}
	r.mu.Lock()
	w := r.requests[resp.ID]
	if w == nil || w.peer != c.id {
		r.mu.Unlock()
		r.log.Debug("room: dropped a response to no pending request", "peer", c.id)
		return
	}
	delete(r.requests, resp.ID)
	r.mu.Unlock()
	if resp.Failed {
		w.reply <- reply{err: &RequestError{PeerID: c.id, Msg: resp.Err}}
		return
	}
	m.Meta = nil
	w.reply <- reply{m: m}
}

// failRequests fails the pending requests to peer id (every peer when id
// is empty) with err. The caller holds the Room's lock.
func (r *Room) failRequests(id string, err error) {
	for reqID, w := range r.requests {
		if id == "" || w.peer == id {
			delete(r.requests, reqID)
			w.reply <- reply{err: fmt.Errorf("posthorn: request to %s: %w", w.peer, err)}
		}
	}
}
