//go:build !js

package main

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// recorder collects announce-to-delivery latencies.
type recorder struct {
	mu sync.Mutex
	d  []time.Duration
}

func newRecorder() *recorder { return &recorder{} }

// since records the latency of a message stamped with sent (UnixNano).
func (r *recorder) since(sent int64) {
	d := time.Duration(time.Now().UnixNano() - sent)
	r.mu.Lock()
	r.d = append(r.d, d)
	r.mu.Unlock()
}

func (r *recorder) summary() (p50, p99, max time.Duration, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.d) == 0 {
		return 0, 0, 0, 0
	}
	slices.Sort(r.d)
	at := func(q float64) time.Duration { return r.d[min(len(r.d)-1, int(q*float64(len(r.d))))] }
	return at(0.50), at(0.99), r.d[len(r.d)-1], len(r.d)
}

type counter struct{ n atomic.Int64 }

func (c *counter) add()        { c.n.Add(1) }
func (c *counter) load() int64 { return c.n.Load() }

// clientIP gives client i of group g its own address for X-Forwarded-For.
func clientIP(g, i int) string {
	return fmt.Sprintf("10.%d.%d.%d", g, i/250, i%250+1)
}

// peer is one simulated well-behaved client.
type peer struct {
	id, room int
	ip       string
	base     string
	lat      *recorder
	errs     *counter
	// events are a nostr peer's presigned EVENT messages; next counts
	// those sent, across reconnects.
	events []signedEvent
	next   *atomic.Int64
}
