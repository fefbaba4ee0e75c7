package mqtt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/mqttclient"
	"github.com/posthorn/posthorn/internal/testutil"
)

// dialTest dials url after running setup (subscriptions, hooks) on the
// client, so that they are in place before its first connect.
func dialTest(t *testing.T, url, name string, setup ...func(*mqttclient.Client)) *mqttclient.Client {
	t.Helper()
	c := mqttclient.New(url, mqttclient.Options{Reconnect: testReconnect, Logger: testLogger(t, name)})
	for _, f := range setup {
		f(c)
	}
	c.Start()
	t.Cleanup(func() { c.Close() })
	return c
}

// testReconnect is a quick reconnect policy for tests that restart brokers.
var testReconnect = posthorn.ReconnectPolicy{Wait: 100 * time.Millisecond, MaxWait: 500 * time.Millisecond}

type msg struct {
	topic   string
	payload []byte
}

// TestClientPublishSubscribe: two clients on one broker; one's publishes
// reach the other's subscription with the exact payload bytes, its own
// publishes are echoed back to itself (§7.3: "the broker echoes JS's own
// announcement back"), and nothing arrives on topics nobody subscribed.
func TestClientPublishSubscribe(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.Name, func(t *testing.T) {
			b := bk.Start(t)
			ctx := context.Background()
			got := make(chan msg, 16)
			a := dialTest(t, b.URL, "a")
			c := dialTest(t, b.URL, "c")
			const root = "trystero/test-app/room-1"
			for _, cl := range []*mqttclient.Client{a, c} {
				cl := cl
				if err := cl.Subscribe(ctx, root, func(p []byte) { got <- msg{cl.ClientID(), p} }); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "both open", func() bool { return a.State() == posthorn.RelayOpen && c.State() == posthorn.RelayOpen })
			payloads := [][]byte{[]byte("cak8QAY1ycxf02bH9FFN"), {}, bytes.Repeat([]byte{0, 0xff, '{'}, 30000)}
			for _, p := range payloads {
				if err := a.Publish(ctx, root, p); err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for range 2 {
					m := recv(t, got, "delivery")
					if !bytes.Equal(m.payload, p) {
						t.Fatalf("payload %d bytes, want %d", len(m.payload), len(p))
					}
					seen[m.topic] = true
				}
				if !seen[a.ClientID()] || !seen[c.ClientID()] {
					t.Fatalf("delivered to %v, want both clients", seen)
				}
			}
			if err := a.Publish(ctx, root+"/nobody", []byte("x")); err != nil {
				t.Fatal(err)
			}
			if err := a.Publish(ctx, root, []byte("end")); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if m := recv(t, got, "end marker"); string(m.payload) != "end" {
					t.Fatalf("got %q on root, want only the end marker", m.payload)
				}
			}
		})
	}
}

// TestClientSubscribeSent: a subscription sent with SubscribeSent, not yet
// acknowledged, is in place for the reply to the client's next publish on
// every broker, which handle one connection's packets in order (what a
// waking passive room relies on: protocol-0.25 §6.5). Each round runs in
// the handler of the previous reply, which SubscribeSent must not block.
func TestClientSubscribeSent(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.Name, func(t *testing.T) {
			b := bk.Start(t)
			ctx := context.Background()
			const rounds = 12 // within the Go broker's 16 subscriptions per client
			// c replies at once to every ping on the topic the ping names.
			c := dialTest(t, b.URL, "c")
			if err := c.Subscribe(ctx, "ping", func(p []byte) {
				if err := c.Publish(ctx, string(p), p); err != nil {
					t.Errorf("reply: %v", err)
				}
			}); err != nil {
				t.Fatal(err)
			}
			a := dialTest(t, b.URL, "a")
			waitFor(t, "both open", func() bool { return a.State() == posthorn.RelayOpen && c.State() == posthorn.RelayOpen })
			done := make(chan int, 1)
			acks := make(chan error, rounds)
			var round func(n int)
			round = func(n int) {
				if n == rounds {
					done <- n
					return
				}
				topic := fmt.Sprintf("reply/%d", n)
				acked, err := a.SubscribeSent(ctx, topic, func([]byte) { round(n + 1) })
				if err != nil {
					t.Errorf("round %d: %v", n, err)
					return
				}
				go func() { acks <- acked(ctx) }()
				if err := a.Publish(ctx, "ping", []byte(topic)); err != nil {
					t.Errorf("round %d: %v", n, err)
				}
			}
			round(0)
			if n := recv(t, done, "the last reply"); n != rounds {
				t.Fatalf("%d rounds", n)
			}
			for range rounds {
				if err := recv(t, acks, "SUBACK"); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestClientReconnect: after a broker restart the client reconnects by
// itself, subscribes again and runs its OnConnect hooks again (§7.3: on
// every connect, subscribe root and self and announce).
func TestClientReconnect(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.Name, func(t *testing.T) {
			b := bk.Start(t)
			ctx := context.Background()
			const topic = "trystero/test-app/room-1/self"
			got := make(chan string, 16)
			connects := make(chan struct{}, 16)
			a := dialTest(t, b.URL, "a", func(a *mqttclient.Client) {
				a.Subscribe(ctx, topic, func(p []byte) { got <- string(p) })
				a.OnConnect(func(ctx context.Context) {
					if err := a.Publish(ctx, topic, []byte("hello")); err != nil {
						t.Errorf("publish in OnConnect: %v", err)
					}
					connects <- struct{}{}
				})
			})
			recv(t, connects, "first connect")
			if s := recv(t, got, "own announcement"); s != "hello" {
				t.Fatalf("got %q", s)
			}

			b.Stop()
			waitFor(t, "client to notice the broker is gone", func() bool { return a.State() != posthorn.RelayOpen })
			if err := a.Publish(ctx, topic, []byte("lost")); !errors.Is(err, mqttclient.ErrNotConnected) {
				t.Fatalf("publish while down: %v, want mqttclient.ErrNotConnected", err)
			}
			b.Start()
			recv(t, connects, "reconnect")
			if s := recv(t, got, "announcement after reconnect"); s != "hello" {
				t.Fatalf("got %q", s)
			}
			// A second client can reach the re-subscribed first one.
			dialTest(t, b.URL, "c", func(c *mqttclient.Client) {
				c.OnConnect(func(ctx context.Context) { c.Publish(ctx, topic, []byte("from c")) })
			})
			if s := recv(t, got, "message from newcomer"); s != "from c" {
				t.Fatalf("got %q", s)
			}
		})
	}
}

// TestClientDeadBroker: a client of an unreachable broker keeps retrying,
// reports itself not open, refuses publishes, and closes promptly.
// A hook added after the client connected runs at once, so callers that
// register after Dial do not miss the first connection.
func TestClientLateOnConnect(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.Name, func(t *testing.T) {
			b := bk.Start(t)
			a := dialTest(t, b.URL, "a")
			waitFor(t, "first connect", func() bool { return a.State() == posthorn.RelayOpen })
			ran := make(chan struct{}, 2)
			a.OnConnect(func(ctx context.Context) { ran <- struct{}{} })
			recv(t, ran, "late hook")
			select {
			case <-ran:
				t.Fatal("late hook ran twice for one connection")
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

func TestClientDeadBroker(t *testing.T) {
	testutil.RequireNetns(t) // it dials loopback
	a := dialTest(t, deadURL(t), "dead")
	time.Sleep(300 * time.Millisecond)
	if s := a.State(); s == posthorn.RelayOpen {
		t.Fatalf("state %v", s)
	}
	if err := a.Publish(context.Background(), "x", nil); !errors.Is(err, mqttclient.ErrNotConnected) {
		t.Fatalf("publish: %v", err)
	}
	a.Close()
	if s := a.State(); s != posthorn.RelayClosed {
		t.Fatalf("state after Close %v", s)
	}
	if err := a.Publish(context.Background(), "x", nil); !errors.Is(err, mqttclient.ErrClosed) {
		t.Fatalf("publish after Close: %v", err)
	}
}

// TestClientRefused: a broker that refuses our CONNECT (bad protocol level,
// bad credentials, not authorized) never shows the client open; each
// attempt's error names the CONNACK return code and reaches OnError; the
// log has one warning for the repeated failure, not one per attempt; and
// the client keeps retrying with its backoff instead of spinning.
func TestClientRefused(t *testing.T) {
	for _, bk := range refusingKinds {
		t.Run(bk.Name, func(t *testing.T) {
			b := bk.Start(t)
			warns := &testutil.LogRecorder{}
			errs := make(chan error, 1000)
			c := mqttclient.New(b.URL, mqttclient.Options{Reconnect: testReconnect, Logger: slog.New(warns)})
			c.OnError(func(err error) { errs <- err })
			opened := make(chan struct{}, 1)
			c.OnConnect(func(context.Context) { opened <- struct{}{} })
			c.Start()
			t.Cleanup(func() { c.Close() })

			want := fmt.Sprintf("CONNACK return code %d", bk.code)
			for i := range 3 {
				err := recv(t, errs, fmt.Sprintf("refusal %d", i+1))
				var refused *mqttclient.RefusedError
				if !errors.As(err, &refused) || refused.Code != bk.code || !strings.Contains(err.Error(), want) {
					t.Fatalf("attempt %d: %v, want a refusal with %s", i+1, err, want)
				}
				if s := c.State(); s == posthorn.RelayOpen {
					t.Fatalf("state %v after a refusal", s)
				}
			}
			// Backoff: 100 ms doubling to 500 ms gives a handful of attempts
			// in two seconds; a client that spins makes hundreds.
			time.Sleep(2 * time.Second)
			if n := len(errs); n > 40 {
				t.Fatalf("%d attempts in 2 s: the client spins", n)
			}
			if n := warns.AtLeast(slog.LevelWarn); n != 1 {
				t.Fatalf("%d warnings logged for one repeated refusal, want 1", n)
			}
			select {
			case <-opened:
				t.Fatal("OnConnect ran on a refusing broker")
			default:
			}
		})
	}
}

// TestClientKeepAlive: with a 2 s keepalive and no traffic, the client
// pings so that the broker, which drops a client silent for 1.5 keepalives
// (MQTT 3.1.1 §3.1.2.10), keeps it connected: one connection, no error.
// (Not 1 s: mochi computes 1.5 keepalives in whole seconds, 1 s for 1 s.)
func TestClientKeepAlive(t *testing.T) {
	for _, bk := range brokerKinds {
		t.Run(bk.Name, func(t *testing.T) {
			b := bk.Start(t)
			errs := make(chan error, 16)
			connects := make(chan struct{}, 16)
			c := mqttclient.New(b.URL, mqttclient.Options{Reconnect: testReconnect, KeepAlive: 2 * time.Second, Logger: testLogger(t, "ka")})
			c.OnError(func(err error) { errs <- err })
			c.OnConnect(func(context.Context) { connects <- struct{}{} })
			c.Start()
			t.Cleanup(func() { c.Close() })
			recv(t, connects, "connect")
			time.Sleep(7 * time.Second)
			select {
			case err := <-errs:
				t.Fatalf("idle connection with keepalive failed: %v", err)
			default:
			}
			if len(connects) > 0 || c.State() != posthorn.RelayOpen {
				t.Fatalf("idle connection with keepalive: %d reconnects, state %v", len(connects), c.State())
			}
		})
	}
}
