package tracker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Field names and values of the WebTorrent tracker protocol (protocol-0.18 §7.1).
const (
	actionAnnounce = "announce"
	actionScrape   = "scrape"

	// hashLen is the required JavaScript length of info_hash, peer_id and
	// to_peer_id: the reference tracker treats them as 20-byte binary strings
	// (protocol-0.18 §2, §7.1).
	hashLen = 20

	// maxScrapeHashes bounds the info_hashes of one scrape request; the
	// reference has no bound, a public server needs one.
	maxScrapeHashes = MaxAnnouncePeers
)

// Sentinel errors. Their text after the "tracker: " prefix is the failure
// reason sent on the wire, matching the reference tracker where it has one.
var (
	ErrMalformed      = errors.New("tracker: malformed JSON")
	ErrNotObject      = errors.New("tracker: request is not a JSON object")
	ErrInvalidAction  = errors.New("tracker: invalid action in WS request")
	ErrInvalidHash    = errors.New("tracker: invalid info_hash")
	ErrInvalidPeerID  = errors.New("tracker: invalid peer_id")
	ErrInvalidToPeer  = errors.New("tracker: invalid `to_peer_id` (required with `answer`)")
	ErrInvalidOffers  = errors.New("tracker: invalid offers")
	ErrInvalidAnswer  = errors.New("tracker: invalid answer")
	ErrInvalidOfferID = errors.New("tracker: invalid offer_id")
	ErrInvalidEvent   = errors.New("tracker: invalid event")
	ErrTooManySwarms  = errors.New("tracker: too many info_hashes on this connection")
	ErrRateLimited    = errors.New("tracker: too many messages, slow down")
	ErrPeerIDTaken    = errors.New("tracker: peer_id belongs to another connection")
	ErrTooManyPeers   = errors.New("tracker: too many peer_ids on this connection")
)

// Request is one decoded client message.
type Request struct {
	Action   string // actionAnnounce or actionScrape
	InfoHash string // announce: the swarm
	PeerID   string // announce: the sender
	// NumWant is the numwant member, or -1 when absent or not a number.
	NumWant int
	Offers  []Offer
	// Answer, ToPeerID and OfferID are set for an answer announce.
	Answer   json.RawMessage
	ToPeerID string
	OfferID  string
	// Event is the event member; absent, non-string and "empty" become
	// "update" like in the reference tracker. Valid values are listed in
	// validEvents.
	Event string
	// Complete is true when left is 0 (a seeder). Trystero never sends left.
	Complete bool
	// ScrapeHashes are the info_hashes of a scrape request.
	ScrapeHashes []string
}

// validEvents are the announce events the reference tracker knows.
var validEvents = map[string]bool{"started": true, "stopped": true, "completed": true, "update": true, "paused": true}

// Offer is one element of an announce's offers array.
type Offer struct {
	OfferID string
	Offer   json.RawMessage
}

// ParseRequest decodes and validates one client message. It accepts what
// the reference tracker accepts for Trystero's messages and rejects, with a
// sentinel error, what it would reject or what could not be forwarded.
func ParseRequest(data []byte) (*Request, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) || !json.Valid(data) {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return nil, ErrNotObject
	}
	if m == nil {
		return nil, ErrNotObject
	}
	action, _ := jsonString(m["action"])
	switch action {
	case actionAnnounce:
		return parseAnnounce(m)
	case actionScrape:
		return parseScrape(m)
	}
	return nil, fmt.Errorf("%w: %s", ErrInvalidAction, truncate(string(m["action"]), 40))
}

func parseAnnounce(m map[string]json.RawMessage) (*Request, error) {
	r := &Request{Action: actionAnnounce, NumWant: -1}
	var ok bool
	if r.InfoHash, ok = jsonString(m["info_hash"]); !ok || jsLen(r.InfoHash) != hashLen {
		return nil, ErrInvalidHash
	}
	if r.PeerID, ok = jsonString(m["peer_id"]); !ok || jsLen(r.PeerID) != hashLen {
		return nil, ErrInvalidPeerID
	}
	if truthy(m["answer"]) {
		if r.ToPeerID, ok = jsonString(m["to_peer_id"]); !ok || jsLen(r.ToPeerID) != hashLen {
			return nil, ErrInvalidToPeer
		}
		if !isObject(m["answer"]) {
			return nil, ErrInvalidAnswer
		}
		if r.OfferID, ok = jsonString(m["offer_id"]); !ok {
			return nil, ErrInvalidOfferID
		}
		r.Answer = m["answer"]
	}
	if raw, present := m["offers"]; present && !isNull(raw) {
		var offers []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &offers); err != nil {
			return nil, ErrInvalidOffers
		}
		if len(offers) > MaxAnnouncePeers {
			offers = offers[:MaxAnnouncePeers] // never forwarded further (§7.1)
		}
		r.Offers = make([]Offer, len(offers))
		for i, o := range offers {
			id, ok := jsonString(o["offer_id"])
			if !ok || !isObject(o["offer"]) {
				return nil, fmt.Errorf("%w: element %d needs a string offer_id and an object offer", ErrInvalidOffers, i)
			}
			r.Offers[i] = Offer{OfferID: id, Offer: o["offer"]}
		}
	}
	if n, ok := jsonNumber(m["numwant"]); ok && n >= 0 {
		r.NumWant = int(min(n, MaxAnnouncePeers))
	}
	// An unknown event is refused after parsing, with the info_hash (like
	// the reference tracker), by Server.handle.
	r.Event, _ = jsonString(m["event"])
	if r.Event == "" || r.Event == "empty" {
		r.Event = "update"
	}
	if n, ok := jsonNumber(m["left"]); ok && n == 0 {
		r.Complete = true
	}
	return r, nil
}

func parseScrape(m map[string]json.RawMessage) (*Request, error) {
	r := &Request{Action: actionScrape, NumWant: -1}
	raw := m["info_hash"]
	if h, ok := jsonString(raw); ok {
		r.ScrapeHashes = []string{h}
	} else if err := json.Unmarshal(raw, &r.ScrapeHashes); err != nil || len(r.ScrapeHashes) == 0 {
		return nil, ErrInvalidHash
	}
	if len(r.ScrapeHashes) > maxScrapeHashes {
		return nil, ErrInvalidHash
	}
	for _, h := range r.ScrapeHashes {
		if jsLen(h) != hashLen {
			return nil, ErrInvalidHash
		}
	}
	return r, nil
}

// FailureReason is the wire text for err: the sentinel's text without the
// package prefix.
func FailureReason(err error) string {
	return strings.TrimPrefix(err.Error(), "tracker: ")
}

// jsLen is the JavaScript length of s: its number of UTF-16 code units.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonNumber reads a JSON number, or a string holding one (JavaScript's
// Number() coercion as the reference tracker applies it to left/numwant).
func jsonNumber(raw json.RawMessage) (float64, bool) {
	if s, ok := jsonString(raw); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil
	}
	var f float64
	if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return 0, false
	}
	return f, true
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

func isObject(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }

// truthy mirrors JavaScript truthiness for a JSON value (absent = undefined).
func truthy(raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", "false", "0", `""`, "-0":
		return false
	}
	if f, ok := jsonNumber(raw); ok && raw[0] != '"' && f == 0 {
		return false
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
