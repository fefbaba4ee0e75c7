package posthorn

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"sync"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/v025/mediapair"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
	"github.com/posthorn/posthorn/media"
)

// Media under the 0.25 profile (docs/protocol-0.25.md §10, §14.8): before
// every addStream, addTrack and replaceTrack the sender sends @_stream or
// @_track {"k":<key>,"s":<stream id>,"t":<track id>,"m"?:<metadata>},
// whether or not there is metadata; the receiver pairs these messages with
// the streams and tracks that arrive (package mediapair) and reports only
// paired media to OnPeerStream and OnPeerTrack, as Trystero 0.25 does.

// trackRef is a remote track with the stream it arrived in.
type trackRef struct {
	t *media.Track
	s *media.Stream
}

// media025 is one 0.25 connection's pairing state: the messages and media
// waiting for each other, per kind.
type media025 struct {
	mu      sync.Mutex
	streams *mediapair.Pairer[*media.Stream]
	tracks  *mediapair.Pairer[trackRef]
}

func newMedia025() *media025 {
	m := &media025{
		streams: mediapair.New[*media.Stream](mediapair.DefaultLimits),
		tracks:  mediapair.New[trackRef](mediapair.DefaultLimits),
	}
	m.tracks.Announced = m.streams.Known // both under mu
	return m
}

// mediaKey is the key of a local stream ("s") or track ("t") with the given
// id: 20 characters of Trystero's alphabet, the same for the same id in
// this room and unguessable from it (Trystero draws one per object).
func (v *room025) mediaKey(kind, id string) string {
	h := hmac.New(sha256.New, v.mediaSalt[:])
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(id))
	sum := h.Sum(nil)
	k := make([]byte, v025wire.MediaKeyLen)
	for i := range k {
		k[i] = ids.Alphabet[int(sum[i])%len(ids.Alphabet)]
	}
	return string(k)
}

// mediaMeta025 encodes the @_stream/@_track message for m, with meta (any
// JSON value; nil: none).
func mediaMeta025(m v025wire.MediaMeta, meta any) ([]byte, error) {
	b, err := encodeMeta(meta)
	if err != nil {
		return nil, err
	}
	m.Meta = b
	return m.Marshal()
}

// gotStreamMeta025 takes an @_stream message: a stream delivered or held
// before is reported now; otherwise the message waits for its stream.
func (r *Room) gotStreamMeta025(m Message, c *conn) {
	mm, ok := r.parseMediaMeta(m, c)
	if !ok {
		return
	}
	c.media.mu.Lock()
	pair, ok, dropped := c.media.streams.Meta(mm)
	c.media.mu.Unlock()
	if dropped > 0 {
		c.complain(r.log, "room: stream metadata without a stream dropped", "count", dropped)
	}
	if ok {
		r.emitStream(c, pair.Item, pair.Meta)
	}
}

// gotTrackMeta025 is gotStreamMeta025 for @_track; a replaceTrack's message
// names the replaced track, which is reported again with the new metadata.
func (r *Room) gotTrackMeta025(m Message, c *conn) {
	mm, ok := r.parseMediaMeta(m, c)
	if !ok {
		return
	}
	c.media.mu.Lock()
	pair, ok, dropped := c.media.tracks.Meta(mm)
	c.media.mu.Unlock()
	if dropped > 0 {
		c.complain(r.log, "room: track metadata without a track dropped", "count", dropped)
	}
	if ok {
		r.emitTrack(c, pair.Item, pair.Meta)
	}
}

// parseMediaMeta reads an @_stream/@_track message from a joined peer.
func (r *Room) parseMediaMeta(m Message, c *conn) (v025wire.MediaMeta, bool) {
	if !r.hasPeer(c.id) {
		return v025wire.MediaMeta{}, false
	}
	mm, err := v025wire.ParseMediaMeta(m.Data)
	if err != nil {
		c.complain(r.log, "room: dropped media metadata", "err", err)
		return v025wire.MediaMeta{}, false
	}
	return mm, true
}

// remoteStream025 pairs a remote stream with its waiting message, or holds
// it until the message comes.
func (r *Room) remoteStream025(c *conn, s *media.Stream) {
	c.media.mu.Lock()
	pair, ok, dropped := c.media.streams.Media(s.ID(), "", s)
	c.media.mu.Unlock()
	if dropped {
		c.complain(r.log, "room: a stream without metadata dropped")
	}
	if ok {
		r.emitStream(c, pair.Item, pair.Meta)
	}
}

// remoteTrack025 is remoteStream025 for tracks. A track of a stream
// already reported (its late tracks: pion reports each at its first RTP
// packet) takes only a message that names it or its stream.
func (r *Room) remoteTrack025(c *conn, t *media.Track, s *media.Stream) {
	c.media.mu.Lock()
	pair, ok, dropped := c.media.tracks.Media(t.ID(), streamID(s), trackRef{t, s})
	c.media.mu.Unlock()
	if dropped {
		c.complain(r.log, "room: a track without metadata dropped")
	}
	if ok {
		r.emitTrack(c, pair.Item, pair.Meta)
	}
}

func (r *Room) emitStream(c *conn, s *media.Stream, meta json.RawMessage) {
	if f := r.mediaCallbacks(); f.stream != nil {
		f.stream(s, c.id, meta)
	}
}

func (r *Room) emitTrack(c *conn, t trackRef, meta json.RawMessage) {
	if f := r.mediaCallbacks(); f.track != nil {
		f.track(t.t, t.s, c.id, meta)
	}
}

func streamID(s *media.Stream) string {
	if s == nil {
		return ""
	}
	return s.ID()
}
