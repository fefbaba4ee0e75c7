package mqttbroker_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// Subscribers that never read, with keepalive 0, hold at most
// MaxPendingWrites packets each, and are dropped by the write deadline.
func TestNonReadingSubscribersBounded(t *testing.T) {
	b, url := start(t, mqttbroker.Config{WriteTimeout: 2 * time.Second, PublishBurst: 1000})
	pub := connect(t, url, 60)
	for range 20 {
		r := dialRaw(t, url)
		r.connect("", true, 0)
		r.read() // CONNACK
		r.subscribe("trystero/a/r")
		r.suback()
	}
	relaytest.WaitFor(t, "21 clients", func() bool { return b.Clients() == 21 })
	base := relaytest.LiveHeap()
	payload := bytes.Repeat([]byte{'x'}, 100_000)
	var peak uint64
	for i := range 200 { // 400 MB if every copy were held
		pub.publish("trystero/a/r", payload)
		if i%40 == 39 {
			peak = max(peak, relaytest.HeapGrowth(base))
		}
	}
	t.Logf("heap growth: peak %d MB while publishing", peak>>20)
	// Per subscriber: its pending packets, plus the one mochi is encoding and
	// writing (packet, encode buffer, WebSocket frame), twice over for
	// garbage not yet collected between measurements.
	if limit := uint64(20 * 2 * (mqttbroker.DefaultMaxPendingWrites + 6) * 100_000); peak > limit {
		t.Fatalf("heap grew by %d bytes, over %d", peak, limit)
	}
	relaytest.WaitFor(t, "non-readers dropped", func() bool { return b.Clients() == 1 })
	after := relaytest.HeapGrowth(base)
	t.Logf("heap growth after the drop: %d KB", after>>10)
	if after > 8<<20 {
		t.Fatalf("%d bytes still held after the non-readers were dropped", after)
	}
}

// Topics and filters are bounded in bytes and levels before mochi matches
// them; subscriptions per client are capped.
func TestTopicAndSubscriptionBounds(t *testing.T) {
	_, url := start(t, mqttbroker.Config{})
	r := dialRaw(t, url)
	r.connect("", true, 60)
	r.read()

	deep := strings.Repeat("a/", 32_765) + "a" // 32,766 levels
	start := time.Now()
	r.subscribe(deep, strings.Repeat("l/", 8)+"l", strings.Repeat("x", 300), "trystero/app/room/peer")
	codes := r.suback()
	t.Logf("SUBACK for a %d-level filter after %v", 32_766, time.Since(start))
	if len(codes) != 4 || codes[0] < 0x80 || codes[1] < 0x80 || codes[2] < 0x80 || codes[3] != 0 {
		t.Fatalf("reason codes %x, want refusals for the long filters and 0 for Trystero's", codes)
	}

	many := make([]string, 100)
	for i := range many {
		many[i] = "trystero/app/room/" + strings.Repeat("p", i+1)
	}
	r.subscribe(many...)
	codes = r.suback()
	ok := 0
	for _, c := range codes {
		if c == 0 {
			ok++
		}
	}
	if want := mqttbroker.DefaultMaxSubscriptions - 1; ok != want {
		t.Fatalf("%d of 100 filters accepted, want %d (cap %d, one held)", ok, want, mqttbroker.DefaultMaxSubscriptions)
	}
}

// Sessions are never kept after a client leaves, whatever it asked for.
func TestNoPersistentSessions(t *testing.T) {
	b, url := start(t, mqttbroker.Config{})
	r := dialRaw(t, url)
	r.connect("persistent-client", false, 60)
	if ack := r.read(); len(ack) != 4 || ack[3] != 0 {
		t.Fatalf("CONNACK %x", ack)
	}
	r.subscribe("trystero/a/r")
	r.suback()
	r.ws.CloseNow()
	relaytest.WaitFor(t, "session gone", func() bool { return b.Sessions() == 0 })

	r = dialRaw(t, url)
	r.connect("persistent-client", false, 60)
	if ack := r.read(); len(ack) != 4 || ack[2]&1 != 0 {
		t.Fatalf("CONNACK %x: session present", ack)
	}
}

// A connection that never sends CONNECT, and one with keepalive 0 that goes
// silent, are closed; their goroutines end.
func TestConnectDeadlineAndIdleTimeout(t *testing.T) {
	_, url := start(t, mqttbroker.Config{ConnectTimeout: 300 * time.Millisecond, IdleTimeout: time.Second})
	base := relaytest.Goroutines()
	silent := dialRaw(t, url)
	idle := dialRaw(t, url)
	idle.connect("", true, 0)
	idle.read()
	if !silent.ended() {
		t.Fatal("connection without CONNECT still open")
	}
	if !idle.ended() {
		t.Fatal("idle keepalive-0 connection still open")
	}
	relaytest.WaitFor(t, "goroutines back", func() bool { return relaytest.Goroutines() <= base })
}

// Publishes over a client's rate limit are dropped.
func TestPublishRateLimited(t *testing.T) {
	_, url := start(t, mqttbroker.Config{PublishesPerSecond: 1e-3, PublishBurst: 2})
	sub, pub, pub2 := dialRaw(t, url), dialRaw(t, url), dialRaw(t, url)
	for _, r := range []*raw{sub, pub, pub2} {
		r.connect("", true, 60)
		r.read()
	}
	sub.subscribe("trystero/a/r")
	sub.suback()
	for range 5 {
		pub.publish("trystero/a/r", []byte("x"))
	}
	// mochi handles a connection's packets in order and queues a publish
	// for its subscribers before reading the next packet: once the PINGRESP
	// is back, pub's publishes are queued for sub ahead of pub2's.
	pub.ping()
	pub2.publish("trystero/a/r", []byte("end"))
	got := 0
	for string(sub.payload()) != "end" {
		got++
	}
	if got != 2 {
		t.Fatalf("%d of 5 publishes delivered, want 2", got)
	}
}
