//go:build !js

package peer

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/transport/v5/vnet"
	"github.com/pion/webrtc/v4"
)

// BenchmarkSendThroughput measures Send→OnData between two native peers over
// loopback: 32 MiB per iteration in 16 KiB messages (Trystero's chunk size,
// protocol-0.18 §5.1). Run inside scripts/in-netns.
func BenchmarkSendThroughput(b *testing.B) {
	benchmarkSend(b, pairOpts{}, 32<<20)
}

// BenchmarkSendThroughputRTT20ms is BenchmarkSendThroughput over pion's
// virtual network with 10 ms each way, the round trip of a nearby internet
// peer: there the bytes a sender keeps in flight, not the CPU, set the rate
// (at most sendHighWater per round trip).
func BenchmarkSendThroughputRTT20ms(b *testing.B) {
	a, c := delayedAPIs(b, 10*time.Millisecond)
	benchmarkSend(b, pairOpts{apiA: a, apiB: c}, 8<<20)
}

func benchmarkSend(b *testing.B, o pairOpts, total int) {
	const chunk = 16384
	pr := newPair(b, o)
	pr.waitConnected(b)
	got := make(chan struct{}, 1)
	received := 0
	pr.b.OnData(func(m []byte) {
		received += len(m)
		if received >= total {
			received -= total
			got <- struct{}{}
		}
	})
	buf := make([]byte, chunk)
	ctx := ctxT(b)
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for off := 0; off < total; off += chunk {
			if err := pr.a.Send(ctx, buf); err != nil {
				b.Fatal(err)
			}
		}
		recv(b, "all bytes", got)
	}
}

// BenchmarkSendLatencyUnderLoad measures how long a small message sent
// during a bulk transfer takes to arrive (ns/op = one message) when the
// receiver's link is 8 Mbit/s with a 64 KB router queue and 10 ms each way:
// it waits behind whatever the sender has buffered, so this is the price of
// the send window on a slow link (Trystero's pings and chat share the one
// ordered channel with files).
func BenchmarkSendLatencyUnderLoad(b *testing.B) {
	const chunk, rate, queue = 16384, 8_000_000, 64_000
	a, c := shapedAPIs(b, 10*time.Millisecond, rate, queue)
	pr := newPair(b, pairOpts{apiA: a, apiB: c})
	pr.waitConnected(b)
	arrived := make(chan struct{}, 1)
	var bulk atomic.Int64
	pr.b.OnData(func(m []byte) {
		if m[0] == 'P' {
			arrived <- struct{}{}
			return
		}
		bulk.Add(int64(len(m)))
	})
	ctx := ctxT(b)
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		buf := make([]byte, chunk)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := pr.a.Send(ctx, buf); err != nil {
				return
			}
		}
	}()
	defer func() { close(stop); _ = pr.a.Close(); <-stopped }()
	time.Sleep(2 * time.Second) // the congestion window settles
	probe := []byte("P")
	b.ResetTimer()
	start, from := time.Now(), bulk.Load()
	for range b.N {
		if err := pr.a.Send(ctx, probe); err != nil {
			b.Fatal(err)
		}
		recv(b, "probe", arrived)
	}
	// The link must stay busy meanwhile: a small window is no answer.
	b.ReportMetric(float64(bulk.Load()-from)/time.Since(start).Seconds()/1e6, "bulk-MB/s")
}

// shapedAPIs is delayedAPIs with the second peer's inbound traffic limited
// to rate bit/s through a queue of queue bytes (excess packets are dropped,
// as a router does).
func shapedAPIs(t testing.TB, delay time.Duration, rate int, queue int64) (*webrtc.API, *webrtc.API) {
	t.Helper()
	return vnetAPIs(t, delay, func(i int, n vnet.NIC) vnet.NIC {
		if i == 0 {
			return n
		}
		q, err := vnet.NewQueue(n, vnet.NewTBFQueue(rate, 16_000, queue))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Close() })
		return q
	})
}

// delayedAPIs returns APIs for two peers on a pion virtual network (in
// memory: no sockets) whose router delays every packet by delay.
func delayedAPIs(t testing.TB, delay time.Duration) (*webrtc.API, *webrtc.API) {
	t.Helper()
	return vnetAPIs(t, delay, nil)
}

// vnetAPIs builds the virtual network of delayedAPIs; wrap, if not nil, may
// put a queue discipline in front of peer i's interface.
func vnetAPIs(t testing.TB, delay time.Duration, wrap func(i int, n vnet.NIC) vnet.NIC) (*webrtc.API, *webrtc.API) {
	t.Helper()
	lf := logging.NewDefaultLoggerFactory()
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "10.0.0.0/24", MinDelay: delay, LoggerFactory: lf})
	if err != nil {
		t.Fatal(err)
	}
	apis := make([]*webrtc.API, 2)
	for i, ip := range []string{"10.0.0.1", "10.0.0.2"} {
		n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
		if err != nil {
			t.Fatal(err)
		}
		var nic vnet.NIC = n
		if wrap != nil {
			nic = wrap(i, n)
		}
		if err := wan.AddNet(nic); err != nil {
			t.Fatal(err)
		}
		var se webrtc.SettingEngine
		se.SetNet(n)
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled) // no multicast in vnet
		apis[i] = webrtc.NewAPI(webrtc.WithSettingEngine(se))
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wan.Stop() })
	return apis[0], apis[1]
}
