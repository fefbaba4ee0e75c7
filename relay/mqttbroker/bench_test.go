package mqttbroker_test

import (
	"bytes"
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// BenchmarkFanOut: one client publishes a 1 KB message (an SDP offer's size)
// to a topic with 20 MQTT 3.1.1 subscribers. One op is one publish until
// every subscriber has read it; B/op and allocs/op are the whole process's,
// the subscribers' reading included.
func BenchmarkFanOut(b *testing.B) {
	const subs, size = 20, 1000
	srv, url := start(b, mqttbroker.Config{PublishesPerSecond: 1e9, PublishBurst: 1 << 30})

	var received atomic.Int64
	var readers sync.WaitGroup
	b.Cleanup(readers.Wait) // after the connections close (cleanups run last first)
	for range subs {
		r := dialRaw(b, url)
		r.connect("", true, 60)
		r.read() // CONNACK
		r.subscribe("trystero/a/r")
		r.suback()
		readers.Go(func() {
			for {
				_, rd, err := r.ws.Reader(context.Background())
				if err != nil {
					return
				}
				n, _ := io.Copy(io.Discard, rd)
				received.Add(n)
			}
		})
	}
	pub := dialRaw(b, url)
	pub.connect("", true, 60)
	pub.read()
	relaytest.WaitFor(b, "clients", func() bool { return srv.Clients() == subs+1 })
	payload := bytes.Repeat([]byte{'x'}, size)
	perPublish := int64(subs * (size + len("trystero/a/r") + 2 + 3)) // payload, topic, fixed header
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		pub.publish("trystero/a/r", payload)
		want := int64(i+1) * perPublish
		deadline := time.Now().Add(relaytest.Patience)
		for received.Load() < want {
			if time.Now().After(deadline) {
				b.Fatalf("received %d bytes, want %d", received.Load(), want)
			}
			time.Sleep(10 * time.Microsecond)
		}
	}
}
