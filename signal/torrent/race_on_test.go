//go:build race

package torrent

// raceEnabled shrinks the big transfer: the race detector slows pion's SCTP
// stack about tenfold.
const raceEnabled = true
