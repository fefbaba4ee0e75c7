package posthorn

import "time"

// Hooks for the tests of package posthorn_test.

// SetSharedIdle shortens SharedIdleTimeout and returns a function
// restoring it.
func SetSharedIdle(d time.Duration) (restore func()) { return setIdleTimeout(d) }

// SharedConns counts the live shared 0.25 connections of selfID, by
// remote peer id.
func SharedConns(selfID string) map[string]int {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	n := map[string]int{}
	for k := range shared.links {
		if k.self == selfID {
			n[k.remote]++
		}
	}
	return n
}
