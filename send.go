package posthorn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/transfer"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
)

// SendOptions are Send's optional arguments; a nil *SendOptions means
// "every peer, no metadata, no progress callback".
type SendOptions struct {
	// Targets are the receiving peer ids; nil = every peer in the room.
	// Unknown ids are skipped with a logged warning, like room.js.
	Targets []string
	// Meta is the message's metadata, nil for none. In a Protocol018 room
	// it goes with binary data only (protocol-0.18 §5.3): a value that
	// marshals to a JSON object or array, or a json.RawMessage of one;
	// anything else gives transfer.ErrMetaNotObject, and metadata with data
	// that is not []byte transfer.ErrMetaNotBinary, as Trystero 0.18 peers
	// carry nothing else. In a Protocol025 room any data may carry any JSON
	// value (protocol-0.25 §8); json.RawMessage("null") sends null.
	Meta any
	// OnProgress, if set, is called after every chunk handed to a target's
	// channel with that chunk's progress byte / 255 (ending at 1) and the
	// target's id, as room.js does. Calls for different targets may be
	// concurrent.
	OnProgress func(pct float64, peerID string)
}

// Send transmits data to the targets (protocol-0.18 §5.3):
//
//	string           → a string message
//	[]byte           → binary (may carry SendOptions.Meta)
//	json.RawMessage  → JSON, sent as is (must be valid: transfer.ErrBadJSON)
//	nil              → JSON null
//	anything else    → JSON, encoding/json's output as JSON.stringify spells it
//
// Every call takes the action's next nonce, shared by all targets (§5.5).
// Targets are served in parallel, chunk by chunk, each waiting on its
// channel's backpressure (§5.6). Send returns when every target has all
// chunks handed to its channel. A target that leaves before that (its
// connection closed, or it stopped answering and was dropped: see
// docs/reliability.md) is not sent the rest; the other targets still get
// everything, and Send returns an error wrapping ErrPeerLeft that names each
// such target (the receiver discards the partial message; onPeerLeave
// reports the departure). Send returns ctx's error if ctx ends first and
// ErrLeft if the Room was left before the call. With no targets it sends
// nothing and returns nil. A request action has no Send (ErrActionKind).
func (a *Action) Send(ctx context.Context, data any, opts *SendOptions) error {
	if opts == nil {
		opts = &SendOptions{}
	}
	if a.isRequest {
		return ErrActionKind
	}
	if a.r.isLeft() {
		return ErrLeft
	}
	meta, err := encodeMeta(opts.Meta)
	if err != nil {
		return err
	}
	kind, payload, err := encodeData(data)
	if err != nil {
		return err
	}
	// Validates kind and meta; the nonce advances only if this succeeds.
	tx, err := a.nonces.Encode(a.r.prof.Framing, a.name, kind, payload, meta)
	if err != nil {
		return err
	}
	ts, err := a.r.targets(opts.Targets)
	if err != nil {
		return err
	}
	return a.r.transmit(ctx, tx, ts, opts.OnProgress)
}

// transmit sends tx to every target in parallel.
func (r *Room) transmit(ctx context.Context, tx *chunk.Transmission, ts []target, onProgress func(float64, string)) error {
	if len(ts) == 1 {
		return r.sendChunks(ctx, tx, ts[0], onProgress)
	}
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() { errs[i] = r.sendChunks(ctx, tx, t, onProgress) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sendChunks writes every chunk of tx to one target, stopping when the
// target's connection closes (room.js checks peerMap before each chunk) with
// an error wrapping ErrPeerLeft.
func (r *Room) sendChunks(ctx context.Context, tx *chunk.Transmission, t target, onProgress func(float64, string)) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(t.c.ctx, cancel)()
	left := func(i int) error {
		return fmt.Errorf("posthorn: send %q to %s stopped after %d of %d chunks: %w", tx.Action(), t.id, i, tx.Len(), ErrPeerLeft)
	}
	tx = r.fit(tx, t.c)
	// AppendChunk is safe for concurrent use; each target has its buffer.
	var buf []byte
	for i := range tx.Len() {
		if t.c.ctx.Err() != nil {
			return left(i)
		}
		buf = r.appendChunk(buf[:0], tx, i)
		if err := t.c.p.Send(sctx, buf); err != nil {
			switch {
			case t.c.ctx.Err() != nil:
				return left(i) // the target left: stop, as room.js does
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.Is(err, peer.ErrClosed), errors.Is(err, peer.ErrDataChannel):
				// The channel is closing: the peer is leaving (§4.4) and
				// its OnClose is on the way. Stop, as for a left target.
				r.log.Debug("room: target closing, transfer stopped", "peer", t.id, "err", err)
				return left(i)
			}
			return fmt.Errorf("room: send %q to %s: %w", tx.Action(), t.id, err)
		}
		if onProgress != nil {
			onProgress(float64(tx.Progress(i))/255, t.id)
		}
	}
	return nil
}

// fallbackChunk is the chunk size, header included, used for a peer whose
// max-message-size is not known yet: 16 KiB, what every Trystero sends.
const fallbackChunk = 16 << 10

// fit returns tx cut so that no message to c, a 0.25 room frame's header
// included, exceeds the largest message c's peer accepts (its SDP
// a=max-message-size, peer.MaxMessageSize): tx itself when its chunks fit.
// Only the metadata chunk, never split (protocol-0.18 §5.3), may still be
// larger; its send then fails as it would from Trystero.
func (r *Room) fit(tx *chunk.Transmission, c *conn) *chunk.Transmission {
	limit := c.p.MaxMessageSize()
	if limit <= 0 {
		limit = fallbackChunk
	}
	if r.v025 != nil {
		limit -= len(r.v025.head)
	}
	if limit >= tx.ChunkSize() {
		return tx
	}
	small, err := tx.Rechunk(limit)
	if err != nil {
		return tx // no payload fits: the send fails and says so
	}
	return small
}

// encodeData maps a Go value to a transmission kind and payload (§5.3).
func encodeData(data any) (transfer.Kind, []byte, error) {
	switch v := data.(type) {
	case nil:
		return transfer.KindJSON, []byte("null"), nil
	case string:
		return transfer.KindString, []byte(v), nil
	case []byte:
		return transfer.KindBinary, v, nil
	case json.RawMessage:
		if v == nil {
			return transfer.KindJSON, []byte("null"), nil
		}
		return transfer.KindJSON, v, nil // chunk.Encode validates it
	}
	b, err := jsjson.Marshal(data)
	if err != nil {
		return 0, nil, fmt.Errorf("room: action data: %w", err)
	}
	return transfer.KindJSON, b, nil
}

// encodeMeta returns the metadata as JSON text, or nil for none; transfer's
// Encode applies room.js's checks to it.
func encodeMeta(meta any) ([]byte, error) {
	switch v := meta.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return v, nil
	}
	b, err := jsjson.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("room: action meta: %w", err)
	}
	return b, nil
}
