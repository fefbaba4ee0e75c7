package mqtt

import (
	"slices"
	"testing"

	"github.com/posthorn/posthorn/signal/socket"
)

// TestPasswords: peers with the same password meet (offers and answers are
// encrypted and decrypted, §3, §7.3); with different passwords the answerer
// drops the offer it cannot decrypt and nobody meets.
func TestPasswords(t *testing.T) {
	b := startMochi(t)
	urls := []string{b.URL()}

	t.Run("match", func(t *testing.T) {
		x, y := join(t, urls, "pw-room", "hunter2"), join(t, urls, "pw-room", "hunter2")
		x.waitPeers(y)
		y.waitPeers(x)
	})
	t.Run("mismatch", func(t *testing.T) {
		x := join(t, urls, "pw-room-2", "hunter2")
		y := join(t, urls, "pw-room-2", "wrong")
		// Whoever offers first, the other one cannot decrypt it.
		deadlineLog := func() bool {
			return x.log.has("does not decrypt", "peer="+y.id) || y.log.has("does not decrypt", "peer="+x.id)
		}
		waitFor(t, "a failed decryption", deadlineLog)
		if x.peerCount() != 0 || y.peerCount() != 0 {
			t.Fatalf("peers met despite different passwords: %d, %d", x.peerCount(), y.peerCount())
		}
	})
}

// TestBrokerRestart: members of a room survive a broker restart: their
// clients reconnect, subscribe again and announce again (§7.3, on every
// connect), so a newcomer joining after the restart meets them all.
func TestBrokerRestart(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.name, func(t *testing.T) {
			b := bk.start(t)
			urls := []string{b.URL()}
			x, y := join(t, urls, "restart", ""), join(t, urls, "restart", "")
			x.waitPeers(y)
			y.waitPeers(x)

			b.Stop()
			for _, m := range []*member{x, y} {
				waitFor(t, "clients to see the broker go", func() bool { return m.s.RelaySockets()[b.URL()] != socket.Open })
			}
			b.Start()
			for _, m := range []*member{x, y} {
				waitFor(t, "clients to reconnect", func() bool { return m.s.RelaySockets()[b.URL()] == socket.Open })
			}
			z := join(t, urls, "restart", "")
			z.waitPeers(x, y)
			x.waitPeers(y, z)
			y.waitPeers(x, z)
		})
	}
}

// TestDeadBroker: one of three brokers is down at join; peers meet through
// the two others and getRelaySockets tells which is which.
func TestDeadBroker(t *testing.T) {
	b1, b2 := startMochi(t), startMosquitto(t)
	dead := deadURL(t)
	urls := []string{dead, b1.URL(), b2.URL()}
	x, y, z := join(t, urls, "dead", ""), join(t, urls, "dead", ""), join(t, urls, "dead", "")
	x.waitPeers(y, z)
	y.waitPeers(x, z)
	z.waitPeers(x, y)
	socks := x.s.RelaySockets()
	keys := make([]string, 0, len(socks))
	for u := range socks {
		keys = append(keys, u)
	}
	slices.Sort(keys)
	want := slices.Clone(urls)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("RelaySockets keys %v, want %v", keys, want)
	}
	if socks[dead] == socket.Open || socks[b1.URL()] != socket.Open || socks[b2.URL()] != socket.Open {
		t.Fatalf("RelaySockets %v", socks)
	}
}
