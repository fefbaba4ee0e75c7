package strategytest

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"

	"github.com/posthorn/posthorn/internal/peer"
)

// Usage is what this process holds: counters a leak shows up in. Tests
// compare two snapshots with a tolerance, never a time.
type Usage struct {
	Goroutines int
	FDs        int    // open file descriptors (/proc/self/fd)
	Peers      int    // open peer connections (peer.Live)
	HeapLive   uint64 // bytes of live heap after a garbage collection
}

// TakeUsage collects garbage and snapshots the process's usage.
func TakeUsage() Usage {
	runtime.GC()
	runtime.GC() // the second one also frees what the first one's finalizers released
	return Usage{
		Goroutines: runtime.NumGoroutine(),
		FDs:        openFDs(),
		Peers:      peer.Live(),
		HeapLive:   HeapLive(),
	}
}

// HeapLive is the live heap, in bytes, as of the last garbage collection
// (runtime/metrics /gc/heap/live:bytes).
func HeapLive() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func openFDs() int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(es)
}

func (u Usage) String() string {
	return fmt.Sprintf("%d goroutines, %d fds, %d peer connections, %.1f MiB live heap",
		u.Goroutines, u.FDs, u.Peers, float64(u.HeapLive)/(1<<20))
}

// Within reports whether u exceeds base by no more than slack: per peer
// connection none, goroutines and descriptors by slack's counts, the heap
// by slack's bytes. It returns what grew too much.
func (u Usage) Within(base, slack Usage) error {
	var errs []string
	if u.Peers > base.Peers+slack.Peers {
		errs = append(errs, fmt.Sprintf("peer connections %d → %d", base.Peers, u.Peers))
	}
	if u.Goroutines > base.Goroutines+slack.Goroutines {
		errs = append(errs, fmt.Sprintf("goroutines %d → %d", base.Goroutines, u.Goroutines))
	}
	if u.FDs > base.FDs+slack.FDs {
		errs = append(errs, fmt.Sprintf("file descriptors %d → %d", base.FDs, u.FDs))
	}
	if u.HeapLive > base.HeapLive+slack.HeapLive {
		errs = append(errs, fmt.Sprintf("live heap %.1f → %.1f MiB", float64(base.HeapLive)/(1<<20), float64(u.HeapLive)/(1<<20)))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("grew: %v (tolerance: %v)", errs, slack)
}
