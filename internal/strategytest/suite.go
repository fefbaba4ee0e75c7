package strategytest

import (
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
)

// Run runs the conformance suite for the strategy h describes. Through
// h.Relay (the Go relay):
//
//   - room: three peers meet (onPeerJoin with the right ids, getPeers
//     agrees); string, JSON, empty string and unicode messages arrive
//     byte-exact with the sender's id; binaries with metadata cross both
//     ways at once, byte-exact, with monotonic progress ending at 1 on both
//     sides and none at bystanders; a latecomer meets everyone; sends
//     targeted at one id and at a list reach only their targets; ping;
//     leave fires onPeerLeave at the others only for the leaver;
//   - join-idempotent: joinRoom returns the same room until it is left,
//     whatever the second config says; argument errors; a rejoined room
//     works;
//   - passwords: equal passwords meet and talk; a peer with another
//     password meets nobody, and the log says why (a WARN line with
//     "password" naming the peer);
//   - relay-restart: the relay dies mid-session, a newcomer joins while it
//     is down, it comes back on the same URL: everyone meets the newcomer
//     and the old connections survive;
//   - dead-relay: one of three relays is down at join; peers meet through
//     the others, and RelaySockets reports each by URL.
//   - black-holed-relay: next to a live relay, one that accepts TCP and
//     never answers, and one that completes the WebSocket handshake and
//     then says nothing: peers meet and talk through the live one.
//   - peer-killed: a member in another process (the test binary run again)
//     is killed (SIGKILL) while a file goes each way: the sender's Send
//     returns ErrPeerLeft, the receiver delivers nothing and frees the
//     partial message, and onPeerLeave fires (docs/reliability.md, Faults).
//   - network-loss: two connected members lose every UDP packet (nft, in
//     a network namespace of the test's own): each reports the other as
//     left; once packets flow again they meet again by themselves.
//
// Through each of h.ThirdParty: room (with SmallFileSize), passwords and,
// when the relay can restart, relay-restart.
//
// Every case opens peer connections: Run skips outside scripts/in-netns.
func Run(t *testing.T, h Harness) {
	testutil.RequireNetns(t)
	h = h.withDefaults()
	if h.New == nil || h.Relay.Start == nil {
		t.Fatal("strategytest: Harness.New and Harness.Relay are required")
	}
	if spec, ok := childSpecFromEnv(); ok {
		runChild(t, h, spec) // this process is a peer-killed case's victim
		return
	}
	t.Run(h.Relay.Name, func(t *testing.T) { runCases(t, h, h.Relay, true) })
	for _, k := range h.ThirdParty {
		t.Run(k.Name, func(t *testing.T) { runCases(t, h, k, false) })
	}
}

func runCases(t *testing.T, h Harness, k RelayKind, full bool) {
	size := h.SmallFileSize
	if full {
		size = h.FileSize
	}
	t.Run("room", func(t *testing.T) { testRoom(t, h, k, size) })
	if full {
		t.Run("join-idempotent", func(t *testing.T) { testJoinIdempotent(t, h, k) })
	}
	t.Run("passwords", func(t *testing.T) { testPasswords(t, h, k) })
	t.Run("relay-restart", func(t *testing.T) { testRelayRestart(t, h, k) })
	if full {
		t.Run("dead-relay", func(t *testing.T) { testDeadRelay(t, h, k) })
		t.Run("black-holed-relay", func(t *testing.T) { testBlackHoledRelay(t, h, k) })
		t.Run("peer-killed", func(t *testing.T) { testPeerKilled(t, h, k) })
		t.Run("network-loss", func(t *testing.T) { testNetworkLoss(t, h, k) })
	}
}

// joinAll joins n members to roomID through urls.
func joinAll(t *testing.T, h Harness, n int, roomID string, cfg posthorn.Config) []*Member {
	t.Helper()
	ms := make([]*Member, n)
	for i := range ms {
		ms[i] = Join(t, h, roomID, cfg)
	}
	return ms
}

// meet waits until every member sees every other.
func meet(t *testing.T, ms ...*Member) {
	t.Helper()
	for i, m := range ms {
		others := append(append([]*Member(nil), ms[:i]...), ms[i+1:]...)
		m.WaitPeers(t, others...)
	}
}
