package posthorn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/posthorn/posthorn/internal/peer"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
	"github.com/posthorn/posthorn/media"
	"github.com/posthorn/posthorn/transfer"
)

// hookMedia routes c's remote streams and tracks to OnPeerStream and
// OnPeerTrack, with the metadata slot of that peer, which is then cleared
// (protocol-0.18 §4.6); under 0.25, through the pairing of media025.go.
func (r *Room) hookMedia(c *conn) {
	c.p.OnStream(func(s *media.Stream) { r.gotStream(c, s) })
	c.p.OnTrack(func(t *media.Track, s *media.Stream) { r.gotTrack(c, t, s) })
}

// gotStream gives a remote stream of c to OnPeerStream with its metadata:
// under 0.25 once paired with its @_stream message (media025.go). Under
// 0.25 every room bound to the shared connection gets it, as in JS.
func (r *Room) gotStream(c *conn, s *media.Stream) {
	if c.media != nil {
		r.remoteStream025(c, s)
		return
	}
	meta, f := r.takeMeta(r.streamMetas, c.id)
	if f.stream != nil {
		f.stream(s, c.id, meta)
	}
}

// gotTrack gives a remote track of c to OnPeerTrack with its metadata.
func (r *Room) gotTrack(c *conn, t *media.Track, s *media.Stream) {
	if c.media != nil {
		r.remoteTrack025(c, t, s)
		return
	}
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

// mediaCallbacks returns the current OnPeerStream and OnPeerTrack callbacks.
func (r *Room) mediaCallbacks() mediaCallbacks {
	r.mu.Lock()
	defer r.mu.Unlock()
	return mediaCallbacks{r.onPeerStream, r.onPeerTrack}
}

// OnPeerStream sets the callback run when a peer sends a media stream, with
// the stream metadata the peer sent before it (nil if none); only the latest
// one registered is called. Under Protocol025 a stream is reported once its
// @_stream message has arrived (protocol-0.25 §10), and again with the new
// metadata when the peer adds the same stream again.
func (r *Room) OnPeerStream(f func(s *media.Stream, id string, meta json.RawMessage)) {
	r.mu.Lock()
	r.onPeerStream = f
	r.mu.Unlock()
}

// OnPeerTrack sets the callback run when a peer sends a media track, with
// the track metadata the peer sent before it (nil if none); only the latest
// one registered is called. Under Protocol025 only tracks added with
// AddTrack are reported (a stream's tracks come with OnPeerStream), and a
// ReplaceTrack reports the track being replaced again, with the new
// metadata: the receiver's track object stays the same.
func (r *Room) OnPeerTrack(f func(t *media.Track, s *media.Stream, id string, meta json.RawMessage)) {
	r.mu.Lock()
	r.onPeerTrack = f
	r.mu.Unlock()
}

// AddStream sends stream to the targets (nil = every peer). If meta is not
// nil, it is first sent as JSON on the stream-meta action and that send completes before the
// stream is added, so the receiver can attach it to the stream event
// (protocol-0.18 §4.6). Under Protocol025 the @_stream message goes first
// whether or not there is metadata (protocol-0.25 §10). Targets are served
// in parallel; unknown ids are skipped with a warning. Adding renegotiates
// over the data channel.
func (r *Room) AddStream(ctx context.Context, stream *media.Stream, targets []string, meta any) error {
	var m v025wire.MediaMeta
	if r.v025 != nil && stream != nil {
		m = v025wire.MediaMeta{Key: r.v025.mediaKey("s", stream.ID()), StreamID: stream.ID()}
	}
	b, err := r.mediaPayload(m, meta)
	if err != nil {
		return err
	}
	return r.eachTarget(ctx, targets, r.streamMeta, b, func(p *peer.Peer) error {
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
// preceded by meta, unless nil, on the track-meta action (see AddStream;
// under Protocol025 by @_track in every case).
func (r *Room) AddTrack(ctx context.Context, track *media.Track, stream *media.Stream, targets []string, meta any) error {
	var m v025wire.MediaMeta
	if r.v025 != nil && track != nil && stream != nil {
		m = v025wire.MediaMeta{Key: r.v025.mediaKey("t", track.ID()), StreamID: stream.ID(), TrackID: track.ID()}
	}
	b, err := r.mediaPayload(m, meta)
	if err != nil {
		return err
	}
	return r.eachTarget(ctx, targets, r.trackMeta, b, func(p *peer.Peer) error {
		return p.AddTrack(track, stream)
	})
}

// RemoveTrack stops sending track of stream to the targets (nil = every
// peer); a nil stream removes the track from every stream it is sent in. No
// metadata is sent.
func (r *Room) RemoveTrack(ctx context.Context, track *media.Track, stream *media.Stream, targets []string) error {
	return r.eachTarget(ctx, targets, nil, nil, func(p *peer.Peer) error {
		return p.RemoveTrack(track, stream)
	})
}

// ReplaceTrack makes the sender of oldTrack in stream (nil: in every stream)
// send newTrack instead (no renegotiation), for the targets (nil = every
// peer). Like room.js it
// first sends meta, unless nil, on the track-meta action. Under Protocol025
// it sends @_track with the new track's key and the old track's id in every
// case, unless newTrack is nil (protocol-0.25 §10): the receiver reports its
// track again with this metadata.
func (r *Room) ReplaceTrack(ctx context.Context, oldTrack, newTrack *media.Track, stream *media.Stream, targets []string, meta any) error {
	var m v025wire.MediaMeta
	if r.v025 != nil && oldTrack != nil && newTrack != nil {
		m = v025wire.MediaMeta{Key: r.v025.mediaKey("t", newTrack.ID()), TrackID: oldTrack.ID()}
	}
	b, err := r.mediaPayload(m, meta)
	if err != nil {
		return err
	}
	return r.eachTarget(ctx, targets, r.trackMeta, b, func(p *peer.Peer) error {
		return p.ReplaceTrack(oldTrack, newTrack, stream)
	})
}

// mediaPayload is what goes on the stream- or track-meta action before a
// media operation: under 0.18 meta as JSON, nothing when meta is nil
// (protocol-0.18 §4.6); under 0.25 m with meta, unless m has no key.
func (r *Room) mediaPayload(m v025wire.MediaMeta, meta any) ([]byte, error) {
	if r.v025 == nil {
		return encodeMeta(meta)
	}
	if m.Key == "" {
		return nil, nil
	}
	return mediaMeta025(m, meta)
}

// eachTarget runs f on the connection of every target in parallel, after
// sending payload, unless nil, on metaAction to that target. A target
// that leaves meanwhile is skipped silently.
func (r *Room) eachTarget(ctx context.Context, ids []string, metaAction *Action, payload []byte, f func(*peer.Peer) error) error {
	ts, err := r.targets(ids)
	if err != nil {
		return err
	}
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() {
			if payload != nil {
				tx, err := metaAction.nonces.Encode(r.prof.Framing, metaAction.name, transfer.KindJSON, payload, nil)
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
