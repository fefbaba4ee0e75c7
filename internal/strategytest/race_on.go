//go:build race

package strategytest

// Race is true under the race detector, which slows pion's SCTP stack about
// tenfold: the big transfers shrink to keep the suite within minutes.
const Race = true
