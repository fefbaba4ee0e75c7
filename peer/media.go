//go:build !js

package peer

import (
	"errors"
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

// checkAddable: pion sends only tracks that wrap a TrackLocal.
func checkAddable(t *MediaStreamTrack, s *MediaStream) error {
	if t == nil || t.Local == nil || s == nil {
		return errNotLocal
	}
	return nil
}

// addSender is pion's AddTrack; p.mu is held.
func (p *Peer) addSender(t *MediaStreamTrack, _ *MediaStream) (*sender, error) {
	snd, err := p.pc.AddTrack(t.Local)
	if err != nil {
		return nil, err
	}
	go drainRTCP(snd)
	return &sender{s: snd}, nil
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

// removeSender is pion's RemoveTrack; p.mu is held.
func (p *Peer) removeSender(x *sender) error { return p.pc.RemoveTrack(x.s) }

// checkReplacement: a replacement track must wrap a TrackLocal.
func checkReplacement(repl *MediaStreamTrack) error {
	if repl.Local == nil {
		return errNotLocal
	}
	return nil
}

// replaceSender is pion's RTPSender.ReplaceTrack (nil repl: send nothing).
func replaceSender(x *sender, repl *MediaStreamTrack) error {
	var local webrtc.TrackLocal
	if repl != nil {
		local = repl.Local
	}
	return x.s.ReplaceTrack(local)
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
	p.remoteTrack(&MediaStreamTrack{Remote: t, Receiver: r}, sid, func() *MediaStream { return NewMediaStream(sid) })
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
