// Package wire encodes and parses the signalling messages of Trystero 0.25:
// the JSON messages of the topic strategies (protocol-0.25 §6.1), the
// tracker messages of the torrent strategy (§11.1), the signals and
// candidates passed to a peer (§5, @_signal) and the @_stream/@_track
// metadata (§10, §14.8). Encoders write the bytes
// JSON.stringify writes, members in Trystero's order; the SDP and candidate
// values are already crypt.GCM envelopes.
package wire

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/posthorn/posthorn/internal/jsjson"
)

// MaxMessage bounds the message text Parse accepts: far above an encrypted
// SDP, far below what a relay could make us allocate.
const MaxMessage = 1 << 20

// ErrMessage wraps every reason a received message is dropped.
var ErrMessage = errors.New("wire: malformed signalling message")

// Kind says what a topic-strategy message is, from the members it carries.
type Kind int

// The message kinds (protocol-0.25 §6.1). An announcement and a nudge have
// the same form; the topic they arrive on tells them apart, and both are
// handled as an announcement.
const (
	KindAnnounce Kind = iota
	KindOffer
	KindAnswer
	KindCandidate
)

func (k Kind) String() string {
	return [...]string{"announce", "offer", "answer", "candidate"}[k]
}

// Message is one topic-strategy message (protocol-0.25 §6.1).
type Message struct {
	// PeerID is the sender.
	PeerID string
	// OfferID is the offer the message belongs to; "" when absent.
	OfferID string
	// Kind says which of Offer, Answer, Candidate is set.
	Kind Kind
	// Cipher is the crypt.GCM envelope of the SDP (offer, answer) or of the
	// candidate's JSON; "" for an announcement.
	Cipher string
	// Passive is set by rooms in passive mode (protocol-0.25 §6.5).
	Passive bool
}

// The encoders write the members in the order Trystero emits them
// (protocol-0.25 §6.1; 025-nostr-capture.json), through jsjson.Object
// rather than by reflection: they run on a join's path in the browser.
// offerId is left out when "", passive when false.

// msg starts a message from self with room for a cipher.
func msg(self, cipher string) *jsjson.Object {
	return jsjson.NewObject(64+len(self)+len(cipher)).String("peerId", self)
}

// end adds passive when set and closes the message.
func end(o *jsjson.Object, passive bool) []byte {
	if passive {
		o.True("passive")
	}
	return o.Bytes()
}

// optOfferID adds offerId unless it is "".
func optOfferID(o *jsjson.Object, offerID string) {
	if offerID != "" {
		o.String("offerId", offerID)
	}
}

// Announce is the announcement to the root topic, and also the nudge
// ("offer to me") sent to a smaller peer's topic: {"peerId":self}, plus
// "passive":true in passive mode.
func Announce(self string, passive bool) []byte {
	return end(msg(self, ""), passive)
}

// Offer is an offer to a peer's topic: peerId, offerId, offer.
func Offer(self, offerID, cipher string, passive bool) []byte {
	return end(msg(self, cipher).String("offerId", offerID).String("offer", cipher), passive)
}

// Answer is the answer to an offer: peerId, answer, offerId (copied from
// the offer, left out when it had none).
func Answer(self, cipher, offerID string, passive bool) []byte {
	o := msg(self, cipher).String("answer", cipher)
	optOfferID(o, offerID)
	return end(o, passive)
}

// Candidate is a trickled candidate. The offerer writes offerId before the
// candidate, the answerer after it (protocol-0.25 §6.1).
func Candidate(self, cipher, offerID string, fromOfferer, passive bool) []byte {
	o := msg(self, cipher)
	if fromOfferer {
		optOfferID(o, offerID)
		o.String("candidate", cipher)
	} else {
		o.String("candidate", cipher)
		optOfferID(o, offerID)
	}
	return end(o, passive)
}

// Marshal encodes m as its sender would; a candidate is written in the
// answerer's order.
func (m Message) Marshal() []byte {
	switch m.Kind {
	case KindOffer:
		return Offer(m.PeerID, m.OfferID, m.Cipher, m.Passive)
	case KindAnswer:
		return Answer(m.PeerID, m.Cipher, m.OfferID, m.Passive)
	case KindCandidate:
		return Candidate(m.PeerID, m.Cipher, m.OfferID, false, m.Passive)
	}
	return Announce(m.PeerID, m.Passive)
}

// Parse reads one message, given either as a JSON object or as a JSON
// string holding one: strategies carry both forms (protocol-0.25 §6.1). It
// applies Trystero's checks: peerId must be a non-empty string; offer,
// answer and candidate, when present, must be non-empty strings, and at
// most one may be present; offerId counts only if it is a non-empty string;
// passive only if it is true; an announcement's offerId is dropped. Every error wraps ErrMessage. Whether the
// peerId is our own is the caller's check.
func Parse(b []byte) (Message, error) {
	if len(b) > MaxMessage {
		return Message{}, fmt.Errorf("%w: %d bytes, limit %d", ErrMessage, len(b), MaxMessage)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return Message{}, fmt.Errorf("%w: not a JSON object or string", ErrMessage)
		}
		if err := json.Unmarshal([]byte(s), &raw); err != nil {
			return Message{}, fmt.Errorf("%w: string does not hold a JSON object", ErrMessage)
		}
	}
	if raw == nil {
		return Message{}, fmt.Errorf("%w: null", ErrMessage)
	}
	var m Message
	var ok bool
	if m.PeerID, ok = nonEmpty(raw["peerId"]); !ok {
		return Message{}, fmt.Errorf("%w: no peerId", ErrMessage)
	}
	m.OfferID, _ = nonEmpty(raw["offerId"])
	m.Passive = string(raw["passive"]) == "true"
	n := 0
	for _, f := range []struct {
		name string
		kind Kind
	}{{"offer", KindOffer}, {"answer", KindAnswer}, {"candidate", KindCandidate}} {
		v, present := raw[f.name]
		if !present {
			continue
		}
		s, ok := nonEmpty(v)
		if !ok {
			return Message{}, fmt.Errorf("%w: %s is not a non-empty string", ErrMessage, f.name)
		}
		m.Kind, m.Cipher = f.kind, s
		n++
	}
	if n > 1 {
		return Message{}, fmt.Errorf("%w: more than one of offer, answer, candidate", ErrMessage)
	}
	if m.Kind == KindAnnounce {
		m.OfferID = "" // meaningless without a signal
	}
	return m, nil
}

// nonEmpty returns the string v holds, if it is a non-empty JSON string.
func nonEmpty(v json.RawMessage) (string, bool) {
	var s string
	if v == nil || json.Unmarshal(v, &s) != nil || s == "" {
		return "", false
	}
	return s, true
}
