package testutil

import (
	"runtime"
	"runtime/metrics"
)

// LiveHeap collects garbage and returns the bytes of live heap objects, read
// in-process with runtime/metrics (the process's RSS keeps freed heap).
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Goroutines returns the number of live goroutines (runtime/metrics).
func Goroutines() int {
	s := []metrics.Sample{{Name: "/sched/goroutines:goroutines"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}
