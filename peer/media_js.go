//go:build js && wasm

package peer

import (
	"errors"
	"fmt"
	"syscall/js"
)

// MediaStreamTrack wraps a browser MediaStreamTrack (browser build).
type MediaStreamTrack struct{ v js.Value }

// WrapMediaStreamTrack wraps a JS MediaStreamTrack.
func WrapMediaStreamTrack(v js.Value) *MediaStreamTrack { return &MediaStreamTrack{v: v} }

// JSValue returns the JS MediaStreamTrack.
func (t *MediaStreamTrack) JSValue() js.Value { return t.v }

// ID is the track id.
func (t *MediaStreamTrack) ID() string { return t.v.Get("id").String() }

// Kind is "audio" or "video".
func (t *MediaStreamTrack) Kind() string { return t.v.Get("kind").String() }

// MediaStream wraps a browser MediaStream (browser build).
type MediaStream struct{ v js.Value }

// WrapMediaStream wraps a JS MediaStream.
func WrapMediaStream(v js.Value) *MediaStream { return &MediaStream{v: v} }

// JSValue returns the JS MediaStream.
func (s *MediaStream) JSValue() js.Value { return s.v }

// ID is the stream id.
func (s *MediaStream) ID() string { return s.v.Get("id").String() }

// GetTracks returns the stream's tracks.
func (s *MediaStream) GetTracks() []*MediaStreamTrack {
	arr := s.v.Call("getTracks")
	out := make([]*MediaStreamTrack, arr.Length())
	for i := range out {
		out[i] = &MediaStreamTrack{v: arr.Index(i)}
	}
	return out
}

var errNoTrack = errors.New("peer: nil track or stream")

type sender struct {
	v       js.Value // RTCRtpSender
	removed bool
}

// mediaState is the per-peer media bookkeeping (browser build), under p.mu.
type mediaState struct {
	pcOn    pcHandlers
	senders map[senderKey]*sender
	remote  map[string]*MediaStream
}

func (m *mediaState) init() {
	m.senders = map[senderKey]*sender{}
	m.remote = map[string]*MediaStream{}
}

// AddTrack sends t as part of s (pc.addTrack(track, stream)) and
// renegotiates: the initiator offers, a non-initiator sends a renegotiate
// request (wire-0.18 §4.6). It never blocks.
func (p *Peer) AddTrack(t *MediaStreamTrack, s *MediaStream) error {
	if t == nil || s == nil {
		return errNoTrack
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
	v, err := jsCall(p.pc.JSValue(), "addTrack", t.v, s.v)
	if err != nil {
		return fmt.Errorf("peer: add track: %w", err)
	}
	p.media.senders[key] = &sender{v: v}
	p.ops.push(p.needsNegotiation)
	return nil
}

// RemoveTrack stops sending t in s (pc.removeTrack(sender)) and renegotiates.
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
	_, err := jsCall(p.pc.JSValue(), "removeTrack", x.v)
	p.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("%w: remove track: %v", ErrNegotiation, err)
		p.destroy(err)
		return err
	}
	p.ops.push(p.needsNegotiation)
	return nil
}

// ReplaceTrack makes the sender of (old, s) send repl (nil: nothing) with
// RTCRtpSender.replaceTrack, without renegotiation (wire-0.18 §4.6). Like
// simple-peer it does not wait for the returned promise.
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
	arg := js.Null()
	if repl != nil {
		arg = repl.v
		p.media.senders[senderKey{repl.ID(), s.ID()}] = x
	}
	if _, err := jsCall(x.v, "replaceTrack", arg); err != nil {
		return fmt.Errorf("peer: replace track: %w", err)
	}
	return nil
}

// AddStream adds every track of s (simple-peer's addStream).
func (p *Peer) AddStream(s *MediaStream) error {
	if s == nil {
		return errNoTrack
	}
	for _, t := range s.GetTracks() {
		if err := p.AddTrack(t, s); err != nil {
			return err
		}
	}
	return nil
}

// RemoveStream removes every track of s (simple-peer's removeStream).
func (p *Peer) RemoveStream(s *MediaStream) error {
	if s == nil {
		return errNoTrack
	}
	for _, t := range s.GetTracks() {
		if err := p.RemoveTrack(t, s); err != nil {
			return err
		}
	}
	return nil
}

// onTrackEvent is the RTCPeerConnection's ontrack: one track event per
// (track, stream) pair, one stream event per new stream id (wire-0.18 §4.6).
// Runs inside the browser event; only enqueues.
func (p *Peer) onTrackEvent(ev js.Value) {
	track := &MediaStreamTrack{v: ev.Get("track")}
	streams := ev.Get("streams")
	for i := 0; i < streams.Length(); i++ {
		sv := streams.Index(i)
		id := sv.Get("id").String()
		p.mu.Lock()
		if p.destroyed {
			p.mu.Unlock()
			return
		}
		st := p.media.remote[id]
		isNew := st == nil
		if isNew {
			st = &MediaStream{v: sv}
			p.media.remote[id] = st
		}
		p.mu.Unlock()
		p.tracks.push(TrackEvent{Track: track, Stream: st})
		if isNew {
			p.streams.push(st)
		}
	}
}

// requestMissingTransceivers asks the initiator for an m-line for every local
// transceiver that has a sender track but no mid (non-initiator, after each
// answer; wire-0.18 §4.6). Like simple-peer it marks them with a "requested"
// property. Runs on ops.
func (p *Peer) requestMissingTransceivers() {
	ts, err := jsCall(p.pc.JSValue(), "getTransceivers")
	if err != nil {
		return
	}
	for i := 0; i < ts.Length(); i++ {
		t := ts.Index(i)
		track := t.Get("sender").Get("track")
		if t.Get("mid").Truthy() || !track.Truthy() || t.Get("requested").Truthy() {
			continue
		}
		t.Set("requested", true)
		p.addTransceiver(track.Get("kind").String())
	}
}
