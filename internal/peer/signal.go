package peer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Signal is one simple-peer "signal" object (protocol-0.18 §4.3). Marshalling
// produces exactly what JSON.stringify produces for simple-peer's objects:
// members in the order type, sdp, candidate, renegotiate, transceiverRequest,
// absent members omitted, and candidates as {candidate, sdpMLineIndex, sdpMid}.
type Signal struct {
	Type               string              `json:"type"`
	SDP                string              `json:"sdp,omitempty"`
	Candidate          *ICECandidateInit   `json:"candidate,omitempty"`
	Renegotiate        bool                `json:"renegotiate,omitempty"`
	TransceiverRequest *TransceiverRequest `json:"transceiverRequest,omitempty"`
}

// TransceiverRequest asks the initiator to add a transceiver of Kind ("audio"
// or "video") and renegotiate (protocol-0.18 §4.6). simple-peer's optional init
// member is never produced by Trystero and is ignored here.
type TransceiverRequest struct {
	Kind string `json:"kind"`
}

// Signal types as simple-peer emits them (protocol-0.18 §4.3).
const (
	TypeOffer              = "offer"
	TypeAnswer             = "answer"
	TypeCandidate          = "candidate"
	TypeRenegotiate        = "renegotiate"
	TypeTransceiverRequest = "transceiverRequest"
)

// valid reports whether s has at least one member simple-peer acts on
// (protocol-0.18 §4.3: otherwise the peer is destroyed).
func (s Signal) valid() bool {
	return s.SDP != "" || s.Candidate != nil || s.Renegotiate || s.TransceiverRequest != nil
}

// MarshalJSON writes s in simple-peer's member order without HTML escaping,
// byte-identical to JSON.stringify of the same object (protocol-0.18 §4.3).
// json.Marshal re-escapes <, > and & in its output (they never occur in SDP);
// call MarshalJSON directly, or use an Encoder with SetEscapeHTML(false), for
// an exact copy in every case.
func (s Signal) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"type":`)
	writeJSString(&b, s.Type)
	if s.SDP != "" {
		b.WriteString(`,"sdp":`)
		writeJSString(&b, s.SDP)
	}
	if c := s.Candidate; c != nil {
		b.WriteString(`,"candidate":{"candidate":`)
		writeJSString(&b, c.Candidate)
		b.WriteString(`,"sdpMLineIndex":`)
		if c.SDPMLineIndex != nil {
			b.WriteString(strconv.FormatUint(uint64(*c.SDPMLineIndex), 10))
		} else {
			b.WriteString("null")
		}
		b.WriteString(`,"sdpMid":`)
		if c.SDPMid != nil {
			writeJSString(&b, *c.SDPMid)
		} else {
			b.WriteString("null")
		}
		b.WriteByte('}')
	}
	if s.Renegotiate {
		b.WriteString(`,"renegotiate":true`)
	}
	if t := s.TransceiverRequest; t != nil {
		b.WriteString(`,"transceiverRequest":{"kind":`)
		writeJSString(&b, t.Kind)
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSString writes v as a JSON string the way JSON.stringify does for the
// characters that occur in SDP (no HTML escaping).
func writeJSString(b *bytes.Buffer, v string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)       // a string always encodes
	b.Truncate(b.Len() - 1) // Encode appends '\n'
}

// UnmarshalJSON decodes leniently, like simple-peer's signal(): see ParseSignal.
func (s *Signal) UnmarshalJSON(data []byte) error {
	v, err := ParseSignal(data)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// maxStringNesting bounds how often a JSON string holding JSON is unwrapped.
// simple-peer parses a string signal once (protocol-0.18 §4.3).
const maxStringNesting = 1

// ParseSignal decodes a signal the way simple-peer's signal() reads one
// (protocol-0.18 §4.3): the object may also arrive as a JSON string holding the
// object; members are read by JavaScript truthiness (an empty sdp, a false or
// 0 renegotiate are absent); unknown members are ignored. It fails with an
// error wrapping ErrInvalidSignal when no member simple-peer acts on is
// present, or when a present member has a shape simple-peer cannot use.
func ParseSignal(data []byte) (Signal, error) {
	return parseSignal(data, 0)
}

func parseSignal(data []byte, depth int) (Signal, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' && depth < maxStringNesting {
		var inner string
		if err := json.Unmarshal(data, &inner); err != nil {
			return Signal{}, fmt.Errorf("%w: %v", ErrInvalidSignal, err)
		}
		return parseSignal([]byte(inner), depth+1)
	}
	var w struct {
		Type               json.RawMessage `json:"type"`
		SDP                json.RawMessage `json:"sdp"`
		Candidate          json.RawMessage `json:"candidate"`
		Renegotiate        json.RawMessage `json:"renegotiate"`
		TransceiverRequest json.RawMessage `json:"transceiverRequest"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return Signal{}, fmt.Errorf("%w: %v", ErrInvalidSignal, err)
	}
	var s Signal
	if len(w.Type) > 0 {
		_ = json.Unmarshal(w.Type, &s.Type) // a non-string type reads as ""
	}
	if truthy(w.SDP) {
		if err := json.Unmarshal(w.SDP, &s.SDP); err != nil {
			return Signal{}, fmt.Errorf("%w: sdp is not a string", ErrInvalidSignal)
		}
	}
	if truthy(w.Candidate) {
		c, err := parseCandidate(w.Candidate)
		if err != nil {
			return Signal{}, err
		}
		s.Candidate = c
	}
	s.Renegotiate = truthy(w.Renegotiate)
	if truthy(w.TransceiverRequest) {
		var t struct {
			Kind *string `json:"kind"`
		}
		if err := json.Unmarshal(w.TransceiverRequest, &t); err != nil || t.Kind == nil {
			return Signal{}, fmt.Errorf("%w: transceiverRequest needs a string kind", ErrInvalidSignal)
		}
		s.TransceiverRequest = &TransceiverRequest{Kind: *t.Kind}
	}
	if !s.valid() {
		return Signal{}, ErrInvalidSignal
	}
	return s, nil
}

// parseCandidate reads an RTCIceCandidateInit object. sdpMid and sdpMLineIndex
// may be null or absent, as in the browser.
func parseCandidate(raw json.RawMessage) (*ICECandidateInit, error) {
	var c struct {
		Candidate        *string `json:"candidate"`
		SDPMid           *string `json:"sdpMid"`
		SDPMLineIndex    *uint16 `json:"sdpMLineIndex"`
		UsernameFragment *string `json:"usernameFragment"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.Candidate == nil {
		return nil, fmt.Errorf("%w: candidate must be an object with a candidate string", ErrInvalidSignal)
	}
	return &ICECandidateInit{
		Candidate:        *c.Candidate,
		SDPMid:           c.SDPMid,
		SDPMLineIndex:    c.SDPMLineIndex,
		UsernameFragment: c.UsernameFragment,
	}, nil
}

// truthy reports JavaScript truthiness of a JSON value; absent is falsy.
func truthy(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return false
	}
	switch raw[0] {
	case 'n', 'f': // null, false
		return false
	case 't', '{', '[':
		return true
	case '"':
		return len(raw) > 2 // "" is falsy
	default: // number: 0, -0, 0.0, 0e5 are falsy
		f, err := strconv.ParseFloat(string(raw), 64)
		return err == nil && f != 0
	}
}
