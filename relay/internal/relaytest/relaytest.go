// Package relaytest holds what the relay's tests share: in-process heap and
// goroutine measurements (runtime/metrics) and polling with a generous bound.
package relaytest

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

// Patience bounds every wait in the relay's tests: generous enough for a
// loaded 2-core CI machine, it only guards against hangs.
const Patience = 30 * time.Second

// LiveHeap collects garbage and returns the bytes of live heap objects.
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// HeapGrowth returns how much the live heap grew over base, or 0.
func HeapGrowth(base uint64) uint64 {
	if h := LiveHeap(); h > base {
		return h - base
	}
	return 0
}

// Goroutines returns the number of live goroutines.
func Goroutines() int {
	s := []metrics.Sample{{Name: "/sched/goroutines:goroutines"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// WaitFor polls cond until it holds, failing t after Patience.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
