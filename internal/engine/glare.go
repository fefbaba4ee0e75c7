package engine

import "time"

// DefaultNudgeDelay is how long an offer may go unanswered before it is
// taken as lost (see glareLocked and Topics' nudge).
const DefaultNudgeDelay = 3 * time.Second

// glare is what to do with an offer from a peer that our own outstanding
// offer went to: both saw the other's announcement (both sides announce
// around the same time, docs/protocol-0.18.md §4.5). Answering as well makes
// two connections, and a JS peer may register the other one than we do, so
// that our sends are lost (§4.5); one offer should win (§4.5 a).
type glare int

const (
	glareNone     glare = iota // no offer of ours is outstanding: answer
	glareKeepOurs              // ignore their offer; ours wins
	glareYield                 // withdraw ours and answer theirs
	glareAnswer                // answer theirs and keep ours, which may be lost
)

// glareLocked decides (s.mu held):
//
//   - an offer of ours that has been answered is connecting: it wins;
//   - an offer of ours that has been out unanswered for the nudge delay or
//     more may be lost, or unusable to the remote (a JS nostr peer with a
//     password, the quirk): we answer theirs, but keep ours in case the
//     remote, a posthorn peer that decided the other way, answers it
//     (withdrawing it then would leave neither offer answered);
//   - otherwise the peer with the lower id keeps its offer and the other
//     withdraws its own and answers, which both sides of a posthorn pair
//     decide alike.
//
// A JS 0.18 peer answers every offer it gets, so with a JS peer every
// outcome gives one connection; two posthorn peers with stale offers may
// make two, which the Room keeps as duplicates. The torrent strategy's
// offers are anonymous until answered, so only the first rule applies there.
// A Protocol025 room skips the second rule: Trystero 0.25's smaller id
// ignores every offer while its own is out (protocol-0.25 §6.2).
func (s *Session) glareLocked(id string) glare {
	for _, a := range s.attempts[id] {
		if !a.initiator || a.connected {
			continue
		}
		switch {
		case a.exchanged:
			return glareKeepOurs
		case s.is025():
			// protocol-0.25 §6.2: the smaller id's offer stands, always
		case !a.offeredAt.IsZero() && time.Since(a.offeredAt) >= s.nudgeDelay():
			return glareAnswer
		case s.selfID < id:
			return glareKeepOurs
		default:
			return glareYield
		}
	}
	return glareNone
}
