package wire

import (
	"encoding/json"
	"fmt"

	"github.com/posthorn/posthorn/internal/jsjson"

	"github.com/posthorn/posthorn/internal/ids"
)

// MediaKeyLen is the length of a media key.
const MediaKeyLen = 20

// NewMediaKey returns a fresh key for a local stream or track.
func NewMediaKey() string { return ids.New(MediaKeyLen) }

// MediaMeta is the payload of @_stream and @_track, sent before every
// addStream, addTrack and replaceTrack whether or not the user gave
// metadata (protocol-0.25 §10, §14.8): the sender's key of the stream or
// track, the stream id (s), the track id (t; for replaceTrack the old
// track's, and no s) and the user's metadata (m), in that order.
type MediaMeta struct {
	Key      string          `json:"k"`
	StreamID string          `json:"s,omitempty"`
	TrackID  string          `json:"t,omitempty"`
	Meta     json.RawMessage `json:"m,omitempty"` // nil: none; JSON null is metadata
}

// Marshal encodes the metadata as JS does.
func (m MediaMeta) Marshal() ([]byte, error) {
	if m.Meta != nil && !json.Valid(m.Meta) {
		return nil, fmt.Errorf("%w: media metadata is not JSON", ErrMessage)
	}
	return jsjson.Marshal(m)
}

// ParseMediaMeta reads an @_stream or @_track payload as the receiver does:
// an object whose k is a string; s and t count only if they are strings; m
// counts when present, null included. Errors wrap ErrMessage.
func ParseMediaMeta(b []byte) (MediaMeta, error) {
	if len(b) > MaxMessage {
		return MediaMeta{}, fmt.Errorf("%w: media metadata of %d bytes", ErrMessage, len(b))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		return MediaMeta{}, fmt.Errorf("%w: media metadata is not an object", ErrMessage)
	}
	str := func(k string) (string, bool) {
		var s string
		v := raw[k]
		if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
			return "", false
		}
		return s, true
	}
	var m MediaMeta
	var ok bool
	if m.Key, ok = str("k"); !ok {
		return MediaMeta{}, fmt.Errorf("%w: media metadata without a string k", ErrMessage)
	}
	m.StreamID, _ = str("s")
	m.TrackID, _ = str("t")
	m.Meta = raw["m"]
	return m, nil
}
