//go:build !js

package peer

import (
	"errors"

	"github.com/pion/webrtc/v4"
	"github.com/posthorn/posthorn/media"
)

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
	remote    map[string]*media.Stream
	requested map[*webrtc.RTPTransceiver]bool
}

func (m *mediaState) init() {
	m.senders = map[senderKey]*sender{}
	m.remote = map[string]*media.Stream{}
	m.requested = map[*webrtc.RTPTransceiver]bool{}
}

// checkAddable: pion sends only tracks that wrap a TrackLocal.
func checkAddable(t *media.Track, s *media.Stream) error {
	if t == nil || t.Local == nil || s == nil {
		return errNotLocal
	}
	return nil
}

// addSender is pion's AddTrack; p.mu is held.
func (p *Peer) addSender(t *media.Track, _ *media.Stream) (*sender, error) {
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
func checkReplacement(repl *media.Track) error {
	if repl.Local == nil {
		return errNotLocal
	}
	return nil
}

// replaceSender is pion's RTPSender.ReplaceTrack (nil repl: send nothing).
func replaceSender(x *sender, repl *media.Track) error {
	var local webrtc.TrackLocal
	if repl != nil {
		local = repl.Local
	}
	return x.s.ReplaceTrack(local)
}

// onRemoteTrack is pion's ontrack (fired at the first RTP packet): one track
// event per (track, stream), one stream event per new stream id
// (protocol-0.18 §4.6). A track without a stream gets no event, as in simple-peer.
func (p *Peer) onRemoteTrack(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
	sid := t.StreamID()
	if sid == "" {
		p.log.Debug("peer: remote track without a stream ignored", "track", t.ID())
		return
	}
	p.remoteTrack(&media.Track{Remote: t, Receiver: r}, sid, func() *media.Stream { return media.NewStream(sid) })
}

// requestMissingTransceivers asks the initiator for an m-line for every local
// transceiver that has a track but no mid yet (non-initiator, after each
// answer; protocol-0.18 §4.6). Runs on ops.
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
