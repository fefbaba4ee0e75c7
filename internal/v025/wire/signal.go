package wire

import (
	"encoding/json"
	"fmt"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/peer"
)

// Signal types (protocol-0.25 §5).
const (
	SignalOffer     = "offer"
	SignalAnswer    = "answer"
	SignalCandidate = "candidate"
)

// maxCandidate bounds a candidate's JSON text; real ones are a few hundred
// bytes.
const maxCandidate = 4096

// Signal is a WebRTC signal as Trystero 0.25 passes it to a peer: over
// @_signal once connected, unencrypted, as {"type","sdp"} (protocol-0.25 §5,
// §10). For a candidate, SDP is the JSON text of the RTCIceCandidateInit
// (EncodeCandidate); the relays carry the same texts sealed (§3.1, §6.1).
type Signal struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// Marshal encodes the signal as JSON.stringify does.
func (s Signal) Marshal() []byte {
	return jsjson.NewObject(32+len(s.SDP)).String("type", s.Type).String("sdp", s.SDP).Bytes()
}

// ParseSignal reads an @_signal payload. type must be offer, answer or
// candidate and sdp a string; a candidate's sdp must parse with
// ParseCandidate. Errors wrap ErrMessage.
func ParseSignal(b []byte) (Signal, error) {
	if len(b) > MaxMessage {
		return Signal{}, fmt.Errorf("%w: signal of %d bytes", ErrMessage, len(b))
	}
	var raw struct {
		Type *string `json:"type"`
		SDP  *string `json:"sdp"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || raw.Type == nil || raw.SDP == nil {
		return Signal{}, fmt.Errorf("%w: a signal is {\"type\":string,\"sdp\":string}", ErrMessage)
	}
	s := Signal{Type: *raw.Type, SDP: *raw.SDP}
	switch s.Type {
	case SignalOffer, SignalAnswer:
	case SignalCandidate:
		if _, err := ParseCandidate(s.SDP); err != nil {
			return Signal{}, err
		}
	default:
		return Signal{}, fmt.Errorf("%w: signal type %q", ErrMessage, s.Type)
	}
	return s, nil
}

// EncodeCandidate is the JSON text of a candidate, as JS's
// JSON.stringify(candidate.toJSON()): candidate, sdpMid, sdpMLineIndex,
// usernameFragment, absent values as null.
func EncodeCandidate(c peer.ICECandidateInit) string {
	o := jsjson.NewObject(96+len(c.Candidate)).String("candidate", c.Candidate)
	if c.SDPMid != nil {
		o.String("sdpMid", *c.SDPMid)
	} else {
		o.Null("sdpMid")
	}
	if c.SDPMLineIndex != nil {
		o.Int("sdpMLineIndex", int64(*c.SDPMLineIndex))
	} else {
		o.Null("sdpMLineIndex")
	}
	if c.UsernameFragment != nil {
		o.String("usernameFragment", *c.UsernameFragment)
	} else {
		o.Null("usernameFragment")
	}
	return string(o.Bytes())
}

// ParseCandidate reads a candidate's JSON text. candidate must be a
// string; the other members may be null or absent. Errors wrap ErrMessage.
func ParseCandidate(text string) (peer.ICECandidateInit, error) {
	if len(text) > maxCandidate {
		return peer.ICECandidateInit{}, fmt.Errorf("%w: candidate of %d bytes", ErrMessage, len(text))
	}
	// The outer Candidate shadows the embedded one, telling a missing or
	// null candidate from an empty string.
	var c struct {
		Candidate *string `json:"candidate"`
		peer.ICECandidateInit
	}
	if err := json.Unmarshal([]byte(text), &c); err != nil || c.Candidate == nil {
		return peer.ICECandidateInit{}, fmt.Errorf("%w: not an RTCIceCandidateInit", ErrMessage)
	}
	c.ICECandidateInit.Candidate = *c.Candidate
	return c.ICECandidateInit, nil
}
