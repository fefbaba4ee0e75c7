//go:build !js

// Command loadbench (make bench-relay) measures posthorn-relay under load:
// it starts the relay as its own process on loopback, connects simulated
// well-behaved peers to every service (-peers in -rooms, announcing at
// Trystero's cadence or faster) while hostile clients run the attacks of
// issue 14, and reports the relay's peak RSS and goroutines and the
// well-behaved peers' announce-to-delivery latency (p50, p99).
//
//	go run ./relay/internal/loadbench -relay /tmp/posthorn-relay -duration 60s
//
// Every client gets its own address in X-Forwarded-For (the relay runs with
// -client-ip-header), so the per-address cap applies to the hostile clients
// as it would on the internet.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	relayBin   string
	relayFlags string
	peers      int
	rooms      int
	duration   time.Duration
	hostile    bool
	profile    string
}

func main() {
	var o options
	flag.StringVar(&o.relayBin, "relay", "posthorn-relay", "posthorn-relay binary to start")
	flag.StringVar(&o.relayFlags, "relay-flags", "", "extra flags for the relay, e.g. -memory-limit-mb 256")
	flag.IntVar(&o.peers, "peers", 2000, "well-behaved peers per service")
	flag.IntVar(&o.rooms, "rooms", 500, "rooms the peers are spread over")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long the load runs")
	flag.BoolVar(&o.hostile, "hostile", true, "run the hostile clients too")
	flag.StringVar(&o.profile, "profile", "", "directory to save the relay's pprof profiles in (cpu, heap, allocs, goroutine, mutex); none when empty")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	// Sign every Nostr event up front: one per peer and nostrInterval, and
	// a spare, so the bench's clients leave the cores to the relay.
	presigned := presignNostr(o.peers, o.rooms, int(o.duration/nostrInterval)+2)
	relayFlags := strings.Fields(o.relayFlags)
	var prof *profiler
	if o.profile != "" {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		relayFlags = append(relayFlags, "-debug-addr", addr)
		prof = &profiler{dir: o.profile, base: "http://" + addr}
	}
	rp, err := startRelay(o.relayBin, relayFlags)
	if err != nil {
		return err
	}
	defer rp.stop()
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	mon := newMonitor(rp)
	go mon.run(ctx)
	cpu0, start := rp.cpuSeconds(), time.Now()

	services := []*service{
		{name: "tracker", run: runTrackerPeer},
		{name: "nostr", run: runNostrPeer},
		{name: "mqtt", run: runMQTTPeer},
	}
	var wg sync.WaitGroup
	for _, s := range services {
		s.lat = newRecorder()
		for i := range o.peers {
			wg.Go(func() {
				p := peer{id: i, room: i % o.rooms, ip: clientIP(1, i), base: rp.base, lat: s.lat, errs: &s.errs,
					events: presigned[i], next: new(atomic.Int64)}
				// Spread the joins over the first five seconds.
				select {
				case <-time.After(time.Duration(i) * 5 * time.Second / time.Duration(o.peers)):
				case <-ctx.Done():
					return
				}
				s.run(ctx, p)
			})
		}
	}
	if prof != nil {
		wg.Go(func() { prof.run(ctx, o.duration) })
	}
	if o.hostile {
		for _, h := range hostiles {
			wg.Go(func() {
				// The attacks start once every peer has joined, so that
				// first-announcer-wins does not hand them peer ids.
				if pause(ctx, 6*time.Second) {
					h.run(ctx, rp.base)
				}
			})
		}
	}
	<-ctx.Done()
	cpu := (rp.cpuSeconds() - cpu0) / time.Since(start).Seconds()
	load := loadAvg()
	wg.Wait()
	report(o, services, mon)
	fmt.Printf("relay CPU: %.2f cores on average; machine load average (1 min) at the end: %s on %d cores\n", cpu, load, runtime.NumCPU())
	return nil
}

// service is one relay service under load and what its peers measured.
type service struct {
	name string
	run  func(context.Context, peer)
	lat  *recorder
	errs counter
}

func report(o options, services []*service, mon *monitor) {
	fmt.Printf("posthorn-relay %s under load: %d peers in %d rooms per service, %v, hostile clients: %v\n",
		o.relayFlags, o.peers, o.rooms, o.duration, o.hostile)
	fmt.Printf("relay process: peak RSS %d MB (heap in use %d MB, stacks %d MB), peak goroutines %d, WebSockets open at the end %d\n",
		mon.peakRSS()>>20, mon.maxHeap.Load()>>20, mon.maxStack.Load()>>20, mon.peakGoroutines(), mon.conns())
	fmt.Printf("%-8s %10s %10s %10s %10s %12s\n", "service", "deliveries", "p50", "p99", "max", "peer errors")
	for _, s := range services {
		p50, p99, mx, n := s.lat.summary()
		fmt.Printf("%-8s %10d %10v %10v %10v %12d\n", s.name, n, p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond), mx.Round(10*time.Microsecond), s.errs.load())
	}
	for _, h := range hostiles {
		fmt.Printf("hostile %-28s %s\n", h.name, h.stats())
	}
}
