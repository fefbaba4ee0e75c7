//go:build !js

package media

import (
	"sync"

	"github.com/pion/webrtc/v4"
)

// Track is a media track, native build. A track to send wraps a
// pion TrackLocal (for example webrtc.TrackLocalStaticSample); a received
// track carries pion's TrackRemote and its RTPReceiver.
type Track struct {
	Local    webrtc.TrackLocal
	Remote   *webrtc.TrackRemote
	Receiver *webrtc.RTPReceiver
}

// NewLocalTrack wraps a pion track for AddTrack/AddStream.
func NewLocalTrack(t webrtc.TrackLocal) *Track { return &Track{Local: t} }

// ID is the track id.
func (t *Track) ID() string {
	if t.Local != nil {
		return t.Local.ID()
	}
	if t.Remote != nil {
		return t.Remote.ID()
	}
	return ""
}

// Kind is "audio" or "video".
func (t *Track) Kind() string {
	if t.Local != nil {
		return t.Local.Kind().String()
	}
	if t.Remote != nil {
		return t.Remote.Kind().String()
	}
	return ""
}

// Stream groups tracks under one stream id (the SDP msid), native build.
// A local track is announced in the stream its TrackLocal.StreamID() names, so
// build local tracks with the id of the stream they are added with.
type Stream struct {
	id     string
	mu     sync.Mutex
	tracks []*Track
}

// NewStream returns a stream with the given id and tracks.
func NewStream(id string, tracks ...*Track) *Stream {
	return &Stream{id: id, tracks: tracks}
}

// ID is the stream id.
func (s *Stream) ID() string { return s.id }

// GetTracks returns the stream's tracks.
func (s *Stream) GetTracks() []*Track {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Track(nil), s.tracks...)
}

// AddTrack adds t to the stream unless it is already there, like
// MediaStream.addTrack.
func (s *Stream) AddTrack(t *Track) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.tracks {
		if x == t {
			return
		}
	}
	s.tracks = append(s.tracks, t)
}
