//go:build race

package testutil

// Race is true under the race detector. It slows pion's SCTP stack about
// tenfold, and its runtime allocates on its own (sync.Pool drops items at
// random), so big transfers shrink and allocation counts are not checked.
const Race = true
