//go:build !js

package peer

import (
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/transport/v5/vnet"
	"github.com/pion/webrtc/v4"
)

// BenchmarkSendThroughput measures Send→OnData between two native peers over
// loopback: 32 MiB per iteration in 16 KiB messages (Trystero's chunk size,
// wire-0.18 §5.1). Run inside scripts/in-netns.
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

// delayedAPIs returns APIs for two peers on a pion virtual network (in
// memory: no sockets) whose router delays every packet by delay.
func delayedAPIs(t testing.TB, delay time.Duration) (*webrtc.API, *webrtc.API) {
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
		if err := wan.AddNet(n); err != nil {
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
