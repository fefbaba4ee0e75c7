//go:build !js

package peer

import (
	"errors"
	"fmt"
	"sync"

	"github.com/pion/webrtc/v4"
)

// MediaStreamTrack is a media track, native build. A track to send wraps a
// pion TrackLocal (for example webrtc.TrackLocalStaticSample); a received
// track carries pion's TrackRemote and its RTPReceiver.
type MediaStreamTrack struct {
	Local    webrtc.TrackLocal
	Remote   *webrtc.TrackRemote
	Receiver *webrtc.RTPReceiver
}

// NewLocalTrack wraps a pion track for AddTrack/AddStream.
func NewLocalTrack(t webrtc.TrackLocal) *MediaStreamTrack { return &MediaStreamTrack{Local: t} }

// ID is the track id.
func (t *MediaStreamTrack) ID() string {
	if t.Local != nil {
		return t.Local.ID()
	}
	if t.Remote != nil {
		return t.Remote.ID()
	}
	return ""
}

// Kind is "audio" or "video".
func (t *MediaStreamTrack) Kind() string {
	if t.Local != nil {
		return t.Local.Kind().String()
	}
	if t.Remote != nil {
		return t.Remote.Kind().String()
	}
	return ""
}

// MediaStream groups tracks under one stream id (the SDP msid), native build.
// A local track is announced in the stream its TrackLocal.StreamID() names, so
// build local tracks with the id of the stream they are added with.
type MediaStream struct {
	id     string
	mu     sync.Mutex
	tracks []*MediaStreamTrack
}

// NewMediaStream returns a stream with the given id and tracks.
func NewMediaStream(id string, tracks ...*MediaStreamTrack) *MediaStream {
	return &MediaStream{id: id, tracks: tracks}
}

// ID is the stream id.
func (s *MediaStream) ID() string { return s.id }

// GetTracks returns the stream's tracks.
func (s *MediaStream) GetTracks() []*MediaStreamTrack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*MediaStreamTrack(nil), s.tracks...)
}

func (s *MediaStream) add(t *MediaStreamTrack) {
	s.mu.Lock()
	s.tracks = append(s.tracks, t)
	s.mu.Unlock()
}

// errNotLocal: the media methods need a track that wraps a TrackLocal.
var errNotLocal = errors.New("peer: track has no TrackLocal to send")

type sender struct {
	s       *webrtc.RTPSender
	removed bool
}

// mediaState is the per-peer media bookkeeping (native build): senders under
// p.mu, requested only on ops.
type mediaState struct {
	senders   map[senderKey]*sender
	remote    map[string]*MediaStream
	requested map[*webrtc.RTPTransceiver]bool
}

func (m *mediaState) init() {
	m.senders = map[senderKey]*sender{}
	m.remote = map[string]*MediaStream{}
	m.requested = map[*webrtc.RTPTransceiver]bool{}
}

// AddTrack sends t as part of s and renegotiates: the initiator offers, a
// non-initiator sends a renegotiate request (wire-0.18 §4.6).
func (p *Peer) AddTrack(t *MediaStreamTrack, s *MediaStream) error {
	if t == nil || t.Local == nil || s == nil {
		return errNotLocal
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.destroyed {
		return ErrClosed
	}
	key := senderKey{t.ID(), s.ID()}
	if x := p.media.senders[key]; x != nil {
		if x.removed {
			return ErrTrackRemoved
		}
		return ErrTrackAdded
	}
	snd, err := p.pc.AddTrack(t.Local)
	if err != nil {
		return fmt.Errorf("peer: add track: %w", err)
	}
	p.media.senders[key] = &sender{s: snd}
	go drainRTCP(snd)
	p.ops.push(p.needsNegotiation)
	return nil
}

// drainRTCP reads RTCP for a sender until it stops, which pion's interceptors
// need to work.
func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// RemoveTrack stops sending t in s and renegotiates (wire-0.18 §4.6).
func (p *Peer) RemoveTrack(t *MediaStreamTrack, s *MediaStream) error {
	if t == nil || s == nil {
		return ErrTrackNotAdded
	}
	p.mu.Lock()
	if p.destroyed {
		p.mu.Unlock()
		return ErrClosed
	}
	x := p.media.senders[senderKey{t.ID(), s.ID()}]
	if x == nil {
		p.mu.Unlock()
		return ErrTrackNotAdded
	}
	x.removed = true
	err := p.pc.RemoveTrack(x.s)
	p.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("%w: remove track: %v", ErrNegotiation, err)
		p.destroy(err)
		return err
	}
	p.ops.push(p.needsNegotiation)
	return nil
}

// ReplaceTrack swaps what the sender of (old, s) sends, without
// renegotiation (wire-0.18 §4.6). repl may be nil to send nothing.
func (p *Peer) ReplaceTrack(old, repl *MediaStreamTrack, s *MediaStream) error {
	if old == nil || s == nil {
		return ErrTrackNotAdded
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.destroyed {
		return ErrClosed
	}
	x := p.media.senders[senderKey{old.ID(), s.ID()}]
	if x == nil {
		return ErrTrackNotAdded
	}
	var local webrtc.TrackLocal
	if repl != nil {
		if repl.Local == nil {
			return errNotLocal
		}
		local = repl.Local
		p.media.senders[senderKey{repl.ID(), s.ID()}] = x
	}
	if err := x.s.ReplaceTrack(local); err != nil {
		return fmt.Errorf("peer: replace track: %w", err)
	}
	return nil
}

// AddStream adds every track of s (simple-peer's addStream).
func (p *Peer) AddStream(s *MediaStream) error {
	for _, t := range s.GetTracks() {
		if err := p.AddTrack(t, s); err != nil {
			return err
		}
	}
	return nil
}

// RemoveStream removes every track of s (simple-peer's removeStream).
func (p *Peer) RemoveStream(s *MediaStream) error {
	for _, t := range s.GetTracks() {
		if err := p.RemoveTrack(t, s); err != nil {
			return err
		}
	}
	return nil
}

// onRemoteTrack is pion's ontrack (fired at the first RTP packet): one track
// event per (track, stream), one stream event per new stream id
// (wire-0.18 §4.6). A track without a stream gets no event, as in simple-peer.
func (p *Peer) onRemoteTrack(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
	sid := t.StreamID()
	if sid == "" {
		p.log.Debug("peer: remote track without a stream ignored", "track", t.ID())
		return
	}
	track := &MediaStreamTrack{Remote: t, Receiver: r}
	p.mu.Lock()
	if p.destroyed {
		p.mu.Unlock()
		return
	}
	st := p.media.remote[sid]
	isNew := st == nil
	if isNew {
		st = NewMediaStream(sid)
		p.media.remote[sid] = st
	}
	st.add(track)
	p.mu.Unlock()
	p.tracks.push(TrackEvent{Track: track, Stream: st})
	if isNew {
		p.streams.push(st)
	}
}

// requestMissingTransceivers asks the initiator for an m-line for every local
// transceiver that has a track but no mid yet (non-initiator, after each
// answer; wire-0.18 §4.6). Runs on ops.
func (p *Peer) requestMissingTransceivers() {
	for _, t := range p.pc.GetTransceivers() {
		snd := t.Sender()
		if t.Mid() != "" || snd == nil || snd.Track() == nil || p.media.requested[t] {
			continue
		}
		p.media.requested[t] = true
		p.addTransceiver(snd.Track().Kind().String())
	}
}
