package peer

import (
	"errors"
	"fmt"
	"slices"

	"github.com/posthorn/posthorn/media"
)

// The media bookkeeping both builds share (protocol-0.18 §4.6): the sender map,
// the removed flag, the error checks and the renegotiation. The platform calls
// live in media.go (pion) and media_js.go (the browser's RTCPeerConnection):
// checkAddable, addSender, removeSender, checkReplacement, replaceSender,
// media.Stream.add.

// senderKey identifies a (track, stream) pair the way simple-peer's nested
// sender map does (protocol-0.18 §4.6), by ids so that re-wrapping the same
// browser objects finds the same sender.
type senderKey struct{ track, stream string }

// errNoTrack: a nil track or stream where one is needed.
var errNoTrack = errors.New("peer: nil track or stream")

// AddTrack sends t as part of s and renegotiates: the initiator offers, a
// non-initiator sends a renegotiate request (protocol-0.18 §4.6). It never
// blocks. Adding a pair again fails with ErrTrackAdded, or ErrTrackRemoved
// once it was removed (as in simple-peer).
func (p *Peer) AddTrack(t *media.Track, s *media.Stream) error {
	if err := checkAddable(t, s); err != nil {
		return err
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
	x, err := p.addSender(t, s)
	if err != nil {
		return fmt.Errorf("peer: add track: %w", err)
	}
	p.media.senders[key] = x
	p.ops.Push(p.needsNegotiation)
	return nil
}

// RemoveTrack stops sending t in s and renegotiates (protocol-0.18 §4.6);
// a nil s removes t from every stream it is sent in (Trystero 0.25's
// removeTrack(track)). A failure of the platform's removeTrack destroys the
// peer with ErrNegotiation.
func (p *Peer) RemoveTrack(t *media.Track, s *media.Stream) error {
	if t == nil {
		return ErrTrackNotAdded
	}
	p.mu.Lock()
	if p.destroyed {
		p.mu.Unlock()
		return ErrClosed
	}
	xs := p.sendersOf(t, s)
	if len(xs) == 0 {
		p.mu.Unlock()
		return ErrTrackNotAdded
	}
	var err error
	for _, x := range xs {
		x.removed = true
		if err = p.removeSender(x); err != nil {
			break
		}
	}
	p.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("%w: remove track: %v", ErrNegotiation, err)
		p.destroy(err)
		return err
	}
	p.ops.Push(p.needsNegotiation)
	return nil
}

// sendersOf returns the live sender of (t, s), or with a nil s those of t
// in every stream; p.mu is held.
func (p *Peer) sendersOf(t *media.Track, s *media.Stream) []*sender {
	if s != nil {
		if x := p.media.senders[senderKey{t.ID(), s.ID()}]; x != nil {
			return []*sender{x}
		}
		return nil
	}
	var xs []*sender
	for k, x := range p.media.senders {
		if k.track == t.ID() && !x.removed && !slices.Contains(xs, x) {
			xs = append(xs, x)
		}
	}
	return xs
}

// ReplaceTrack makes the sender of (old, s) send repl (nil: nothing), without
// renegotiation (protocol-0.18 §4.6); a nil s replaces old in every stream
// it is sent in (Trystero 0.25's replaceTrack(old, new)). Like simple-peer,
// the browser build does not wait for replaceTrack's promise.
func (p *Peer) ReplaceTrack(old, repl *media.Track, s *media.Stream) error {
	if old == nil {
		return ErrTrackNotAdded
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.destroyed {
		return ErrClosed
	}
	keys := map[*sender]string{}
	for k, x := range p.media.senders {
		if k.track == old.ID() && (s == nil || k.stream == s.ID()) && (s != nil || !x.removed) {
			keys[x] = k.stream
		}
	}
	if len(keys) == 0 {
		return ErrTrackNotAdded
	}
	if repl != nil {
		if err := checkReplacement(repl); err != nil {
			return err
		}
	}
	for x, sid := range keys {
		if repl != nil {
			p.media.senders[senderKey{repl.ID(), sid}] = x
		}
		if err := replaceSender(x, repl); err != nil {
			return fmt.Errorf("peer: replace track: %w", err)
		}
	}
	return nil
}

// AddStream adds every track of s (simple-peer's addStream).
func (p *Peer) AddStream(s *media.Stream) error {
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
func (p *Peer) RemoveStream(s *media.Stream) error {
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

// remoteTrack records a received track under the stream id sid (newStream
// makes the stream the first time) and emits one track event, plus one stream
// event for a new stream id (protocol-0.18 §4.6). It reports false once the peer
// is destroyed. Only enqueues, so it may run inside a browser event.
func (p *Peer) remoteTrack(track *media.Track, sid string, newStream func() *media.Stream) bool {
	p.mu.Lock()
	if p.destroyed {
		p.mu.Unlock()
		return false
	}
	st := p.media.remote[sid]
	isNew := st == nil
	if isNew {
		st = newStream()
		p.media.remote[sid] = st
	}
	st.AddTrack(track)
	p.mu.Unlock()
	p.tracks.Push(TrackEvent{Track: track, Stream: st})
	if isNew {
		p.streams.Push(st)
	}
	return true
}
