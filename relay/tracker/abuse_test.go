package tracker

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// A peer_id belongs to the socket that announced it first: another socket
// can neither take it over (and receive the offers meant for it) nor stop it.
func TestPeerIDCannotBeTakenOverOrStopped(t *testing.T) {
	s, url := startServer(t, Config{})
	victim, attacker, b := dial(t, url), dial(t, url), dial(t, url)
	victim.join(hashA, pid(1))
	b.join(hashA, pid(2))

	attacker.send(announce(hashA, pid(1)))
	if m := attacker.read(); m["failure reason"] != "peer_id belongs to another connection" {
		t.Fatalf("takeover announce answered %v", m)
	}
	stop := announce(hashA, pid(1))
	stop["event"] = "stopped"
	attacker.send(stop)
	if m := attacker.read(); m["failure reason"] != "peer_id belongs to another connection" {
		t.Fatalf("forged stopped answered %v", m)
	}
	waitPeers(t, s, 1, 2)

	b.send(announce(hashA, pid(2), "OFFER000000000000001"))
	b.read()
	if m := victim.read(); m["offer_id"] != "OFFER000000000000001" {
		t.Fatalf("victim got %v, want the offer", m)
	}
	// The attacker's next message is the answer to its own announce: it
	// received no offer.
	attacker.join(hashA, pid(3))
}

// One socket cannot fill a swarm with peer ids.
func TestPeerIDsPerConnectionCapped(t *testing.T) {
	s, url := startServer(t, Config{})
	c := dial(t, url)
	refused := 0
	for i := range 100 {
		c.send(announce(hashA, pid(i)))
		if m := c.read(); m["failure reason"] != nil {
			if m["failure reason"] != "too many peer_ids on this connection" {
				t.Fatalf("announce %d: %v", i, m)
			}
			refused++
		}
	}
	if want := 100 - DefaultMaxPeersPerConn; refused != want {
		t.Fatalf("refused %d announces, want %d", refused, want)
	}
	waitPeers(t, s, 1, DefaultMaxPeersPerConn)
}

// Picking offer targets samples the swarm: its cost does not grow with the
// swarm (the old pick copied and shuffled every member under the lock).
func TestPickDoesNotCopyTheSwarm(t *testing.T) {
	sw := newSwarm()
	for i := range 100_000 {
		sw.add(&member{id: pid(i)})
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const picks = 100
	for range picks {
		got := sw.pick(10, pid(0))
		if len(got) != 10 {
			t.Fatalf("picked %d", len(got))
		}
		seen := map[string]bool{}
		for _, m := range got {
			if seen[m.id] || m.id == pid(0) {
				t.Fatalf("duplicate or self in %v", got)
			}
			seen[m.id] = true
		}
	}
	runtime.ReadMemStats(&after)
	// The pick slice is 80 bytes and the check's map a few hundred; a copy
	// of the swarm would be 800 KB per pick.
	if perPick := (after.TotalAlloc - before.TotalAlloc) / picks; perPick > 8<<10 {
		t.Fatalf("pick allocates %d bytes per call", perPick)
	}
	for i, m := range sw.list {
		if m.idx != i || sw.members[m.id] != m {
			t.Fatalf("index broken at %d", i)
		}
	}
}

// A client that never reads costs at most its queue's byte cap, then is
// dropped; a well-behaved client in the same swarm keeps its latency.
func TestSlowReaderBoundedInBytes(t *testing.T) {
	s, url := startServer(t, Config{})
	slow, sender, good := dial(t, url), dial(t, url), dial(t, url)
	slow.join(hashA, pid(1))
	sender.join(hashA, pid(2))
	good.join("BBBBBBBBBBBBBBBBBBBB", pid(3))
	base := relaytest.LiveHeap()

	// 150 offers of 100 KB to the only other peer: 15 MB if queued.
	sdp := strings.Repeat("a", 100_000)
	var peak uint64
	for i := range 150 {
		sender.sendRaw(fmt.Sprintf(`{"action":"announce","info_hash":"%s","peer_id":"%s","numwant":1,"offers":[{"offer_id":"OFFER%015d","offer":{"type":"offer","sdp":"%s"}}]}`, hashA, pid(2), i, sdp))
		sender.read()
		if i%30 == 29 {
			peak = max(peak, relaytest.HeapGrowth(base))
		}
	}
	t.Logf("heap growth while the slow reader was fed: %d KB", peak>>10)
	if peak > 8<<20 {
		t.Fatalf("heap grew by %d bytes for one slow reader", peak)
	}
	waitPeers(t, s, 2, 2) // the slow reader was dropped
	start := time.Now()
	good.join("BBBBBBBBBBBBBBBBBBBB", pid(3))
	if rtt := time.Since(start); rtt > 2*time.Second {
		t.Fatalf("well-behaved announce took %v", rtt)
	}
	// The slow reader may still read what was written before the drop; then
	// its socket ends.
	for {
		if _, err := slow.readRaw(); err != nil {
			break
		}
	}
}
