package posthorn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/media"
	"github.com/posthorn/posthorn/transfer"
)

// hookMedia routes c's remote streams and tracks to OnPeerStream and
// OnPeerTrack, with the metadata slot of that peer, which is then cleared
// (protocol-0.18 §4.6).
func (r *Room) hookMedia(c *conn) {
	c.p.OnStream(func(s *media.Stream) { r.gotStream(c, s) })
	c.p.OnTrack(func(t *media.Track, s *media.Stream) { r.gotTrack(c, t, s) })
}

// gotStream gives a remote stream of c to OnPeerStream with its metadata.
// Under 0.25 every room bound to the shared connection gets it, as in JS.
func (r *Room) gotStream(c *conn, s *media.Stream) {
	meta, f := r.takeMeta(r.streamMetas, c.id)
	if f.stream != nil {
		f.stream(s, c.id, meta)
	}
}

// gotTrack gives a remote track of c to OnPeerTrack with its metadata.
func (r *Room) gotTrack(c *conn, t *media.Track, s *media.Stream) {
	meta, f := r.takeMeta(r.trackMetas, c.id)
	if f.track != nil {
		f.track(t, s, c.id, meta)
	}
}

type mediaCallbacks struct {
	stream func(*media.Stream, string, json.RawMessage)
	track  func(*media.Track, *media.Stream, string, json.RawMessage)
}

// takeMeta empties the peer's slot and returns its metadata (nil if none)
// with the current callbacks.
func (r *Room) takeMeta(slot map[string][]byte, id string) (json.RawMessage, mediaCallbacks) {
	r.mu.Lock()
	defer r.mu.Unlock()
	meta := slot[id]
	delete(slot, id)
	return meta, mediaCallbacks{r.onPeerStream, r.onPeerTrack}
}

// OnPeerStream sets the callback run when a peer sends a media stream, with
// the stream metadata the peer sent before it (nil if none); only the latest
// one registered is called.
func (r *Room) OnPeerStream(f func(s *media.Stream, id string, meta json.RawMessage)) {
	r.mu.Lock()
	r.onPeerStream = f
	r.mu.Unlock()
}

// OnPeerTrack sets the callback run when a peer sends a media track, with
// the track metadata the peer sent before it (nil if none); only the latest
// one registered is called.
func (r *Room) OnPeerTrack(f func(t *media.Track, s *media.Stream, id string, meta json.RawMessage)) {
	r.mu.Lock()
	r.onPeerTrack = f
	r.mu.Unlock()
}

// AddStream sends stream to the targets (nil = every peer). If meta is not
// nil, it is first sent as JSON on the stream-meta action and that send completes before the
// stream is added, so the receiver can attach it to the stream event
// (protocol-0.18 §4.6). Targets are served in parallel; unknown ids are skipped
// with a warning. Adding renegotiates over the data channel.
func (r *Room) AddStream(ctx context.Context, stream *media.Stream, targets []string, meta any) error {
	return r.eachTarget(ctx, targets, r.streamMeta, meta, func(p *peer.Peer) error {
		return p.AddStream(stream)
	})
}

// RemoveStream stops sending stream to the targets (nil = every peer). No
// metadata is sent.
func (r *Room) RemoveStream(ctx context.Context, stream *media.Stream, targets []string) error {
	return r.eachTarget(ctx, targets, nil, nil, func(p *peer.Peer) error {
		return p.RemoveStream(stream)
	})
}

// AddTrack sends track as part of stream to the targets (nil = every peer),
// preceded by meta, unless nil, on the track-meta action (see AddStream).
func (r *Room) AddTrack(ctx context.Context, track *media.Track, stream *media.Stream, targets []string, meta any) error {
	return r.eachTarget(ctx, targets, r.trackMeta, meta, func(p *peer.Peer) error {
		return p.AddTrack(track, stream)
	})
}

// RemoveTrack stops sending track of stream to the targets (nil = every
// peer). No metadata is sent.
func (r *Room) RemoveTrack(ctx context.Context, track *media.Track, stream *media.Stream, targets []string) error {
	return r.eachTarget(ctx, targets, nil, nil, func(p *peer.Peer) error {
		return p.RemoveTrack(track, stream)
	})
}

// ReplaceTrack makes the sender of oldTrack in stream send newTrack instead
// (no renegotiation), for the targets (nil = every peer). Like room.js it
// first sends meta, unless nil, on the track-meta action.
func (r *Room) ReplaceTrack(ctx context.Context, oldTrack, newTrack *media.Track, stream *media.Stream, targets []string, meta any) error {
	return r.eachTarget(ctx, targets, r.trackMeta, meta, func(p *peer.Peer) error {
		return p.ReplaceTrack(oldTrack, newTrack, stream)
	})
}

// eachTarget runs f on the connection of every target in parallel, after
// sending meta, unless nil, on metaAction to that target. A target
// that leaves meanwhile is skipped silently.
func (r *Room) eachTarget(ctx context.Context, ids []string, metaAction *Action, meta any, f func(*peer.Peer) error) error {
	var metaJSON []byte
	if metaAction != nil && meta != nil {
		b, err := encodeMeta(meta)
		if err != nil {
			return err
		}
		metaJSON = b
	}
	ts, err := r.targets(ids)
	if err != nil {
		return err
	}
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() {
			if metaJSON != nil {
				tx, err := metaAction.nonces.Encode(r.prof.Framing, metaAction.name, transfer.KindJSON, metaJSON, nil)
				if err == nil {
					err = r.sendChunks(ctx, tx, t, nil)
				}
				if err != nil {
					errs[i] = err
					return
				}
			}
			if err := f(t.c.p); err != nil && t.c.ctx.Err() == nil {
				errs[i] = fmt.Errorf("room: media for %s: %w", t.id, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
