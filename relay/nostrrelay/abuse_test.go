package nostrrelay

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gonostr "github.com/nbd-wtf/go-nostr"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// storeEvents stores n regular events with content of size bytes through c.
func storeEvents(t *testing.T, c *client, n, size int) {
	t.Helper()
	content := strings.Repeat("a", size)
	for i := range n {
		j, _ := signed(t, 1, gonostr.Tags{{"t", "big"}}, content, int64(1000+i))
		c.send(`["EVENT",` + j + `]`)
		if m := c.expect("OK"); string(m[2]) != "true" {
			t.Fatalf("store: %s", m)
		}
	}
}

// okLatency sends one ephemeral EVENT through c and returns how long its OK
// took.
func okLatency(t *testing.T, c *client) time.Duration {
	t.Helper()
	j, _ := signed(t, 29333, gonostr.Tags{{"x", "trystero/a/r"}}, `"hi"`, time.Now().Unix())
	start := time.Now()
	c.send(`["EVENT",` + j + `]`)
	c.expect("OK")
	return time.Since(start)
}

// A tiny REQ from a client that never reads amplifies into at most its
// queue's byte cap: stored events are queued as shared bytes, the store has
// a byte budget, and the client is dropped when its queue is full.
func TestReqAmplificationIsBounded(t *testing.T) {
	s, url := startRelay(t, Config{MessagesPerSecond: 1000, MessageBurst: 1000})
	storeEvents(t, dial(t, url), 100, 100_000) // 10 MB offered
	n, bytes := s.Stored()
	if bytes > DefaultMaxStoredBytes {
		t.Fatalf("store holds %d events, %d bytes, over its %d-byte budget", n, bytes, DefaultMaxStoredBytes)
	}
	base := relaytest.LiveHeap()
	var readers []*client
	for range 4 {
		c := dial(t, url)
		readers = append(readers, c)
		for i := range 3 {
			// The relay may drop the client after its first REQ already.
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			c.ws.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `["REQ","r%d",{}]`, i))
			cancel()
		}
	}
	time.Sleep(500 * time.Millisecond)
	growth := relaytest.HeapGrowth(base)
	t.Logf("stored %d events (%d bytes); heap growth after 12 REQs from 4 non-reading clients: %d KB", n, bytes, growth>>10)
	// Each client may hold its queue (256 KiB) plus its socket's buffers.
	if growth > 8<<20 {
		t.Fatalf("heap grew by %d bytes", growth)
	}
	if d := okLatency(t, dial(t, url)); d > 2*time.Second {
		t.Fatalf("EVENT→OK took %v while the amplification ran", d)
	}
}

// Queries neither sort nor hold the subscription lock: REQs with many
// filters over a full store do not delay another client's EVENT→OK.
func TestQueriesDoNotStallEvents(t *testing.T) {
	s, url := startRelay(t, Config{MaxStored: 10_000, MaxStoredBytes: 64 << 20, MessagesPerSecond: 1e6, MessageBurst: 1e6})
	// 10,000 stored events, put in the store directly (signing them through
	// the socket would only slow the test down), created_at decreasing as
	// they arrive: the worst order for a relay that sorts.
	for i := range 10_000 {
		e := &event{raw: []byte(`{}`), size: 300}
		e.ID, e.PubKey, e.Kind, e.CreatedAt = fmt.Sprintf("%064x", i), "pk", 1, int64(1_000_000-i)
		s.store.add(e)
	}

	filters := strings.Repeat(`{"limit":0},{"authors":["nobody"]},`, 8)
	req := `["REQ","q",` + strings.TrimSuffix(filters, ",") + `]`
	good := dial(t, url)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		hostile := dial(t, url)
		for {
			select {
			case <-stop:
				return
			default:
			}
			hostile.send(req)
			for str(hostile.recv()[0]) != "EOSE" {
			}
		}
	}()
	var lat []time.Duration
	for range 50 {
		lat = append(lat, okLatency(t, good))
	}
	close(stop)
	<-done
	slices.Sort(lat)
	t.Logf("EVENT→OK under query load: p50 %v, max %v", lat[len(lat)/2], lat[len(lat)-1])
	if lat[len(lat)/2] > 250*time.Millisecond {
		t.Fatalf("EVENT→OK p50 %v under query load", lat[len(lat)/2])
	}
}

// Filter lists are bounded: a REQ with thousands of ids is refused and holds
// nothing.
func TestLongFilterListsRefused(t *testing.T) {
	_, url := startRelay(t, Config{MessagesPerSecond: 1000, MessageBurst: 1000})
	c := dial(t, url)
	ids := make([]string, 1800)
	for i := range ids {
		ids[i] = fmt.Sprintf(`"%064d"`, i)
	}
	base := relaytest.LiveHeap()
	for i := range 128 {
		c.send(fmt.Sprintf(`["REQ","s%d",{"ids":[%s]}]`, i, strings.Join(ids, ",")))
		if m := c.expect("NOTICE"); !strings.Contains(str(m[1]), "at most") {
			t.Fatalf("long list answered %s", m)
		}
	}
	if growth := relaytest.HeapGrowth(base); growth > 4<<20 {
		t.Fatalf("128 refused REQs left %d bytes", growth)
	}
}

// Every connection is rate-limited. Over the limit an EVENT is refused
// with an OK naming its id, a REQ with a CLOSED naming its subscription
// (NIP-01's "rate-limited:" prefix, so the client can send them again), and
// anything else with a NOTICE.
func TestRateLimited(t *testing.T) {
	_, url := startRelay(t, Config{MessagesPerSecond: 1e-3, MessageBurst: 3})
	c := dial(t, url)
	for range 3 {
		c.send(`["CLOSE","x"]`)
	}
	j, ev := signed(t, 29333, gonostr.Tags{{"x", "trystero/a/r"}}, `"over"`, time.Now().Unix())
	c.send(`["EVENT",` + j + `]`)
	if m := c.expect("OK"); str(m[1]) != ev.ID || string(m[2]) != "false" || !strings.HasPrefix(str(m[3]), "rate-limited:") {
		t.Fatalf("EVENT over the limit answered %s", m)
	}
	c.send(`["REQ","s",{}]`)
	if m := c.expect("CLOSED"); str(m[1]) != "s" || !strings.HasPrefix(str(m[2]), "rate-limited:") {
		t.Fatalf("REQ over the limit answered %s", m)
	}
	for _, msg := range []string{`["CLOSE","x"]`, `["REQ"]`, `not json`} {
		c.send(msg)
		if m := c.expect("NOTICE"); !strings.HasPrefix(str(m[1]), "rate-limited:") {
			t.Fatalf("%s over the limit answered %s", msg, m)
		}
	}
}

// A quiet socket that answers pings stays open: Trystero's nostr sockets
// announce once and never reconnect. A silent one is closed by the
// first-message deadline.
func TestQuietSocketStaysOpenSilentOneCloses(t *testing.T) {
	_, url := startRelay(t, Config{PingInterval: 50 * time.Millisecond, FirstMessageTimeout: 300 * time.Millisecond})
	quiet, silent := dial(t, url), dial(t, url)
	quiet.send(`["REQ","s",{"kinds":[29333],"#x":["trystero/a/r"]}]`)
	quiet.expect("EOSE")
	time.Sleep(time.Second) // many pings, answered by quiet's next read
	pub := dial(t, url)
	j, _ := signed(t, 29333, gonostr.Tags{{"x", "trystero/a/r"}}, `"late"`, time.Now().Unix())
	pub.send(`["EVENT",` + j + `]`)
	if m := quiet.expect("EVENT"); string(m[2]) != j {
		t.Fatalf("got %s", m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, _, err := silent.ws.Read(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("silent socket: %v", err)
	}
}
