//go:build js && wasm

package media

import "syscall/js"

// Track wraps a browser Track (browser build).
type Track struct{ v js.Value }

// WrapTrack wraps a JS Track.
func WrapTrack(v js.Value) *Track { return &Track{v: v} }

// JSValue returns the JS Track.
func (t *Track) JSValue() js.Value { return t.v }

// ID is the track id.
func (t *Track) ID() string { return t.v.Get("id").String() }

// Kind is "audio" or "video".
func (t *Track) Kind() string { return t.v.Get("kind").String() }

// Stream wraps a browser Stream (browser build).
type Stream struct{ v js.Value }

// WrapStream wraps a JS Stream.
func WrapStream(v js.Value) *Stream { return &Stream{v: v} }

// JSValue returns the JS Stream.
func (s *Stream) JSValue() js.Value { return s.v }

// ID is the stream id.
func (s *Stream) ID() string { return s.v.Get("id").String() }

// GetTracks returns the stream's tracks.
func (s *Stream) GetTracks() []*Track {
	arr := s.v.Call("getTracks")
	out := make([]*Track, arr.Length())
	for i := range out {
		out[i] = &Track{v: arr.Index(i)}
	}
	return out
}

// AddTrack adds t to the stream (MediaStream.addTrack; a track already in
// the stream is left as it is).
func (s *Stream) AddTrack(t *Track) { s.v.Call("addTrack", t.v) }
