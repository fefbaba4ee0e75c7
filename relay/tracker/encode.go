package tracker

import (
	"bytes"
	"encoding/json"
)

// Outgoing messages. Member order follows the reference tracker's output
// (protocol-0.18 §7.1); Trystero does not depend on it, but captures stay diffable.

type announceResponse struct {
	Complete   int    `json:"complete"`
	Incomplete int    `json:"incomplete"`
	Action     string `json:"action"`
	Interval   int64  `json:"interval"`
	InfoHash   string `json:"info_hash"`
}

type forwardedOffer struct {
	Action   string          `json:"action"`
	Offer    json.RawMessage `json:"offer"`
	OfferID  string          `json:"offer_id"`
	PeerID   string          `json:"peer_id"`
	InfoHash string          `json:"info_hash"`
}

type forwardedAnswer struct {
	Action   string          `json:"action"`
	Answer   json.RawMessage `json:"answer"`
	OfferID  string          `json:"offer_id"`
	PeerID   string          `json:"peer_id"`
	InfoHash string          `json:"info_hash"`
}

// parseFailure answers a message that could not be parsed or validated.
type parseFailure struct {
	FailureReason string `json:"failure reason"`
}

// requestFailure answers a valid request the tracker refused; Trystero logs
// it only because it carries the room's info_hash (§7.1).
type requestFailure struct {
	Action        string `json:"action"`
	FailureReason string `json:"failure reason"`
	InfoHash      string `json:"info_hash"`
}

type scrapeFile struct {
	Complete   int `json:"complete"`
	Incomplete int `json:"incomplete"`
	Downloaded int `json:"downloaded"`
}

type scrapeResponse struct {
	Action string                `json:"action"`
	Files  map[string]scrapeFile `json:"files"`
	Flags  struct {
		MinRequestInterval int64 `json:"min_request_interval"`
	} `json:"flags"`
}

// encode marshals v without HTML escaping (SDP is forwarded as sent).
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only json.RawMessage values that ParseRequest already validated
		// reach here, so this cannot happen.
		panic("tracker: encode: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
