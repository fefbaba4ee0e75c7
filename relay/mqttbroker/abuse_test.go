package mqttbroker_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// nonReaders connects n clients subscribed to topic that never read again,
// with keepalive 0 (mochi sets no deadline then).
func nonReaders(t *testing.T, b *mqttbroker.Server, url, topic string, n int) {
	t.Helper()
	want := b.Clients() + n
	for range n {
		r := dialRaw(t, url)
		r.connect("", true, 0)
		r.read() // CONNACK
		r.subscribe(topic)
		r.suback()
	}
	relaytest.WaitFor(t, "subscribers connected", func() bool { return b.Clients() == want })
}

// writesStalled waits until the broker has written nothing for a while.
func writesStalled(t *testing.T, b *mqttbroker.Server) {
	t.Helper()
	last, since := int64(-1), time.Now()
	relaytest.WaitFor(t, "writes stalled", func() bool {
		if n := b.Totals().BytesOut; n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) > 200*time.Millisecond
	})
}

// Subscribers that never read hold at most MaxPendingBytes each, counted in
// bytes whatever the number of packets; publishes over it are dropped and
// counted, and the write deadline drops the non-readers.
func TestNonReadingSubscribersBounded(t *testing.T) {
	b, url := start(t, mqttbroker.Config{WriteTimeout: 2 * time.Second, PublishBurst: 1000})
	pub := connect(t, url, 60)
	const subs, size = 20, 100_000
	nonReaders(t, b, url, "trystero/a/r", subs)
	base := relaytest.LiveHeap()
	payload := bytes.Repeat([]byte{'x'}, size)
	var peak uint64
	for i := range 200 { // 400 MB if every copy were held
		pub.publish("trystero/a/r", payload)
		if i%40 == 39 {
			pub.ping() // the publishes so far are queued
			peak = max(peak, relaytest.HeapGrowth(base))
		}
	}
	t.Logf("heap growth: peak %d MB while publishing", peak>>20)
	// Per subscriber: its queue, plus the packet being written (mochi's
	// encode buffer and the WebSocket frame) and the one being read.
	if limit := uint64(subs * (mqttbroker.DefaultMaxPendingBytes + 3*size)); peak > limit {
		t.Fatalf("heap grew by %d bytes, over %d", peak, limit)
	}
	if d := b.Totals().QueueDrops; d == 0 {
		t.Fatal("no publish counted as dropped for a full queue")
	}
	relaytest.WaitFor(t, "non-readers dropped", func() bool { return b.Clients() == 1 })
	after := relaytest.HeapGrowth(base)
	t.Logf("heap growth after the drop: %d KB", after>>10)
	if after > 8<<20 {
		t.Fatalf("%d bytes still held after the non-readers were dropped", after)
	}
}

// A payload queued for many subscribers is held once, not copied for each.
func TestPublishSharedAcrossSubscribers(t *testing.T) {
	b, url := start(t, mqttbroker.Config{MaxPendingBytes: 8 << 20, PublishBurst: 1000})
	pub := connect(t, url, 60)
	const subs, size, n = 20, 100_000, 60
	nonReaders(t, b, url, "trystero/a/r", subs)
	base := relaytest.LiveHeap()
	payload := bytes.Repeat([]byte{'x'}, size)
	for range n { // 6 MB, within every subscriber's queue
		pub.publish("trystero/a/r", payload)
	}
	pub.ping() // the publishes are queued
	// Writes to the subscribers go on until their sockets are full, each
	// allocating its encoded packet: measured while they did, the heap
	// would count garbage made after the collection.
	writesStalled(t, b)
	growth := relaytest.HeapGrowth(base)
	t.Logf("heap growth: %d MB for %d MB published to %d subscribers", growth>>20, n*size>>20, subs)
	// The payloads once, and per subscriber the packet being written and
	// the one being read; a copy per subscriber would be 120 MB.
	if limit := uint64(n*size + subs*3*size); growth > limit {
		t.Fatalf("heap grew by %d bytes, over %d", growth, limit)
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

// Nothing reaches a client outside its byte-bounded queue: $SYS topics
// cannot be subscribed to, will messages are not published, and a QoS 1
// subscription is granted QoS 0.
func TestNoDeliveryOutsideTheQueue(t *testing.T) {
	b, url := start(t, mqttbroker.Config{})
	sub := connect(t, url, 60)
	sub.subscribe("$SYS/#", "trystero/a/r")
	if codes := sub.suback(); len(codes) != 2 || codes[0] < 0x80 || codes[1] != 0 {
		t.Fatalf("reason codes %x, want a refusal for $SYS and QoS 0 for Trystero's topic", codes)
	}
	pk := packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 2,
		Filters: packets.Subscriptions{{Filter: "trystero/a/q", Qos: 1}}}
	sub.write(pk, (*packets.Packet).SubscribeEncode)
	if codes := sub.suback(); len(codes) != 1 || codes[0] != 0 {
		t.Fatalf("reason codes %x, want QoS 0 granted", codes)
	}

	willer := dialRaw(t, url)
	willer.write(packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 60,
			WillFlag: true, WillTopic: "trystero/a/r", WillPayload: []byte("will")},
	}, (*packets.Packet).ConnectEncode)
	if ack := willer.read(); len(ack) != 4 || ack[3] != 0 {
		t.Fatalf("CONNACK %x", ack)
	}
	relaytest.WaitFor(t, "two clients", func() bool { return b.Clients() == 2 })
	willer.ws.CloseNow() // without DISCONNECT: mochi would publish the will
	relaytest.WaitFor(t, "willer gone", func() bool { return b.Clients() == 1 })

	pub := connect(t, url, 60)
	pub.publish("trystero/a/r", []byte("marker"))
	if p := sub.payload(); string(p) != "marker" {
		t.Fatalf("got %q before the marker", p)
	}
}

// A connection that has not started its CONNECT costs one goroutine (the
// handler's, waiting for it), not mochi's two and its client state.
func TestSilentConnectionsCostOneGoroutine(t *testing.T) {
	const conns = 50
	b, url := start(t, mqttbroker.Config{})
	base := relaytest.Goroutines()
	for range conns {
		dialWS(t, url)
	}
	// Each upgrade's handler is running once its dial has returned; mochi,
	// had it been handed the connections, starts its goroutines at once.
	time.Sleep(200 * time.Millisecond)
	if n := relaytest.Goroutines() - base; n > conns {
		t.Fatalf("%d silent connections run %d goroutines", conns, n)
	}
	if n := b.Sessions(); n != 0 {
		t.Fatalf("mochi holds %d sessions for connections that sent nothing", n)
	}
}
