//go:build js && wasm

package peer

import (
	"syscall/js"

	"github.com/posthorn/posthorn/media"
)

type sender struct {
	v       js.Value // RTCRtpSender
	removed bool
}

// mediaState is the per-peer media bookkeeping (browser build), under p.mu.
type mediaState struct {
	pcOn    pcHandlers
	senders map[senderKey]*sender
	remote  map[string]*media.Stream
}

func (m *mediaState) init() {
	m.senders = map[senderKey]*sender{}
	m.remote = map[string]*media.Stream{}
}

// add does nothing: the browser's stream already holds the track.

func checkAddable(t *media.Track, s *media.Stream) error {
	if t == nil || s == nil {
		return errNoTrack
	}
	return nil
}

// addSender is pc.addTrack(track, stream); p.mu is held.
func (p *Peer) addSender(t *media.Track, s *media.Stream) (*sender, error) {
	v, err := jsCall(p.pc.JSValue(), "addTrack", t.JSValue(), s.JSValue())
	if err != nil {
		return nil, err
	}
	return &sender{v: v}, nil
}

// removeSender is pc.removeTrack(sender); p.mu is held.
func (p *Peer) removeSender(x *sender) error {
	_, err := jsCall(p.pc.JSValue(), "removeTrack", x.v)
	return err
}

// checkReplacement accepts any browser track.
func checkReplacement(*media.Track) error { return nil }

// replaceSender is RTCRtpSender.replaceTrack (nil repl: null), not awaited.
func replaceSender(x *sender, repl *media.Track) error {
	arg := js.Null()
	if repl != nil {
		arg = repl.JSValue()
	}
	_, err := jsCall(x.v, "replaceTrack", arg)
	return err
}

// onTrackEvent is the RTCPeerConnection's ontrack: one track event per
// (track, stream) pair, one stream event per new stream id (protocol-0.18 §4.6).
// Runs inside the browser event; only enqueues.
func (p *Peer) onTrackEvent(ev js.Value) {
	track := media.WrapTrack(ev.Get("track"))
	streams := ev.Get("streams")
	for i := 0; i < streams.Length(); i++ {
		sv := streams.Index(i)
		if !p.remoteTrack(track, sv.Get("id").String(), func() *media.Stream { return media.WrapStream(sv) }) {
			return
		}
	}
}

// requestMissingTransceivers asks the initiator for an m-line for every local
// transceiver that has a sender track but no mid (non-initiator, after each
// answer; protocol-0.18 §4.6). Like simple-peer it marks them with a "requested"
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
