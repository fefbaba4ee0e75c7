package engine

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/jsonobj"

	"github.com/posthorn/posthorn/internal/peer"
)

// message is a self-topic payload, {"peerId":…,"offer":{…}} or
// {"peerId":…,"answer":{…}}, members in this order (protocol-0.18 §7.2, §7.3).
type message struct {
	PeerID string       `json:"peerId"`
	Offer  *peer.Signal `json:"offer,omitempty"`
	Answer *peer.Signal `json:"answer,omitempty"`
}

// encodeMessage returns the self-topic payload carrying our sealed offer or
// answer (typ), byte-identical to JSON.stringify's.
func encodeMessage(from, typ, sdp string) []byte {
	m := message{PeerID: from}
	sig := &peer.Signal{Type: typ, SDP: sdp}
	if typ == peer.TypeOffer {
		m.Offer = sig
	} else {
		m.Answer = sig
	}
	return m.encode()
}

// encode returns the payload byte-identical to JSON.stringify: peerId, then
// the offer or the answer as {type, sdp}, the only members a self-topic
// signal has. It writes the bytes itself: this runs on a join's path in the
// browser, where encoding by reflection compiles encoding/json's encoders
// on the page's first use.
func (m message) encode() []byte {
	o := jsjson.NewObject(64+len(m.PeerID)).String("peerId", m.PeerID)
	if m.Offer != nil {
		o.Raw("offer", signalJSON(m.Offer))
	}
	if m.Answer != nil {
		o.Raw("answer", signalJSON(m.Answer))
	}
	return o.Bytes()
}

// signalJSON is {type, sdp}; an empty sdp is left out (omitempty).
func signalJSON(s *peer.Signal) []byte {
	o := jsjson.NewObject(32+len(s.SDP)).String("type", s.Type)
	if s.SDP != "" {
		o.String("sdp", s.SDP)
	}
	return o.Bytes()
}

// wireMessage is what parseMessage accepts before validation.
type wireMessage struct {
	PeerID json.RawMessage `json:"peerId"`
	Offer  json.RawMessage `json:"offer"`
	Answer json.RawMessage `json:"answer"`
}

// parseMessage decodes and validates a self-topic payload: peerId must be a
// valid id; answer (checked first, as JS does) or offer must be an object
// {type, sdp} with the matching type and a non-empty sdp string. Errors wrap
// ErrPayload.
//
// It decodes as json.Unmarshal into wireMessage would, through
// internal/jsonobj (no reflection on a struct type on the join's path in
// the browser build).
func parseMessage(p []byte) (message, error) {
	var w wireMessage
	err := jsonobj.Members(p, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "peerId"):
			w.PeerID = v
		case strings.EqualFold(name, "offer"):
			w.Offer = v
		case strings.EqualFold(name, "answer"):
			w.Answer = v
		}
		return nil
	})
	if err != nil {
		return message{}, fmt.Errorf("%w: %v", ErrPayload, err)
	}
	var m message
	if err := json.Unmarshal(w.PeerID, &m.PeerID); err != nil || !ValidID(m.PeerID) {
		return message{}, fmt.Errorf("%w: peerId is not a peer id", ErrPayload)
	}
	switch {
	case isPresent(w.Answer):
		m.Answer, err = parseSDP(w.Answer, peer.TypeAnswer)
	case isPresent(w.Offer):
		m.Offer, err = parseSDP(w.Offer, peer.TypeOffer)
	default:
		err = fmt.Errorf("%w: neither offer nor answer", ErrPayload)
	}
	if err != nil {
		return message{}, err
	}
	return m, nil
}

func isPresent(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

func parseSDP(raw json.RawMessage, typ string) (*peer.Signal, error) {
	var s struct{ Type, SDP string }
	err := jsonobj.Members(raw, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "type"):
			return jsonobj.String(v, &s.Type)
		case strings.EqualFold(name, "sdp"):
			return jsonobj.String(v, &s.SDP)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrPayload, typ, err)
	}
	if s.Type != typ || s.SDP == "" {
		return nil, fmt.Errorf("%w: %s must be {type:%q, sdp}", ErrPayload, typ, typ)
	}
	return &peer.Signal{Type: s.Type, SDP: s.SDP}, nil
}
