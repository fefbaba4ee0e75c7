package nostrrelay

import (
	"runtime"
	"runtime/metrics"
	"testing"

	gonostr "github.com/nbd-wtf/go-nostr"
)

func stackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Checking an event's signature takes a deep stack; it is done on a
// goroutine of its own, so the sockets' read goroutines, parked for their
// whole life, keep their 8 KB stacks (Go does not shrink a parked stack
// below four times what it uses). When the read goroutine checked the
// events itself, each socket's stack grew by ~8.8 KB for good.
func TestEventsLeaveReadStacksSmall(t *testing.T) {
	const conns = 300
	_, url := startRelay(t, Config{})
	cs := make([]*client, conns)
	evs := make([]string, conns)
	for i := range cs {
		evs[i], _ = signed(t, 29333, gonostr.Tags{{"x", "topic"}}, "hello", int64(1000+i))
		cs[i] = dial(t, url)
		cs[i].send(`["REQ","s",{"kinds":[29333],"#x":["elsewhere"]}]`)
		cs[i].expect("EOSE")
	}
	for range 4 { // shrink what the REQs grew
		runtime.GC()
	}
	base := stackBytes()
	for i, c := range cs {
		c.send(`["EVENT",` + evs[i] + `]`)
		c.expect("OK")
	}
	per := (int64(stackBytes()) - int64(base)) / conns
	t.Logf("stack growth per socket after one event: %d bytes", per)
	if per > 4<<10 {
		t.Fatalf("each socket's stacks grew by %d bytes checking one event", per)
	}
}
