package torrent

import (
	"time"

	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
)

// Under 0.25 offers outlive an announce (protocol-0.25 §11.1, §14.10): an
// offer goes out with the same offer_id on every announce until it is
// answered or offerRetention025 old, and each announce only makes the
// offers missing to get back to three. Offers and answers repeated by
// trackers within dedupeWindow025 are dropped.
const (
	offerRetention025 = 120 * time.Second
	dedupeWindow025   = 4 * time.Second
	// maxSeen025 bounds the records of dedupe025, which strangers on a
	// tracker fill; over it, repeats are left to the engine, which drops
	// copies of an offer it is answering.
	maxSeen025 = 4096
)

// keep025 is a 0.25 announce round: answered offers leave the pool (their
// attempts go on), offers older than offerRetention025 are closed, new
// ones fill the pool back up to three, and the pool goes to every tracker.
func (ss *session) keep025() {
	ss.mu.Lock()
	if ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	var stale, kept []*offer
	for _, o := range ss.pool {
		switch {
		case o.a.Remote() != "":
		case time.Since(o.created) > offerRetention025:
			stale = append(stale, o)
		default:
			kept = append(kept, o)
		}
	}
	ss.pool = kept
	missing := v025wire.TorrentOffers - len(kept)
	ss.mu.Unlock()
	for range missing {
		if o := ss.newOffer(); o != nil {
			ss.mu.Lock()
			ss.pool = append(ss.pool, o)
			ss.mu.Unlock()
		}
	}
	ss.mu.Lock()
	if ss.es.Stopped() {
		ss.mu.Unlock()
		return
	}
	ss.sendRoundLocked(stale)
}

// dedupe025 reports whether an offer or answer (kind) with offerID from
// peer was already handled within dedupeWindow025, and else records it:
// one offer reaches us through every tracker (protocol-0.25 §11.1). Records
// older than six windows are forgotten, as in JS.
func (ss *session) dedupe025(kind, offerID, peer string) bool {
	key := kind + ":" + offerID + ":" + peer
	now := time.Now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if at, ok := ss.seen[key]; ok && now.Sub(at) < dedupeWindow025 {
		return true
	}
	for k, at := range ss.seen {
		if now.Sub(at) > 6*dedupeWindow025 {
			delete(ss.seen, k)
		}
	}
	if len(ss.seen) < maxSeen025 {
		ss.seen[key] = now
	}
	return false
}
