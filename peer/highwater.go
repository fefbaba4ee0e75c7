//go:build !js

package peer

import "time"

// sendHighWater is how far the channel's bufferedAmount may grow before Send
// waits for bufferedamountlow (native build). Trystero's rule is
// bufferedAmountLowThreshold = 64 KiB with Send waiting above it (wire-0.18
// §5.6); that threshold stays, and this mark is a sender-local policy with no
// wire effect. The reason it is higher natively: pion counts a byte in
// bufferedAmount until the remote SCTP stack acknowledges it, whereas a
// browser counts only bytes not yet handed to its SCTP stack (which keeps its
// own send buffer). Stopping at 64 KiB in pion therefore caps the bytes in
// flight at ~80 KiB, one such window per round trip: 3.5 MB/s at a 20 ms
// round trip (BenchmarkSendThroughputRTT20ms), against 18 MB/s with 1 MiB; on
// loopback the small window also cost ~15% more CPU per byte (a wake-up of
// Send and a round of SACKs per 16 KiB). 1 MiB matches pion's default SCTP
// receive window (sctp's initialRecvBufSize), the most that can be in flight
// anyway. Memory stays bounded: at most sendHighWater plus one message per
// channel (TestStalledReceiverBoundsSender).
const sendHighWater = 1 << 20

// sendPoll is how often a Send waiting above sendHighWater re-checks
// bufferedAmount (native build). pion fires bufferedamountlow only when the
// amount falls to 64 KiB, so without the check each wait would drain the
// window from 1 MiB to 64 KiB before refilling it: that cost ~20% at a 20 ms
// round trip (BenchmarkSendThroughputRTT20ms 17 -> 21 MB/s with the check).
// A waiting Send wakes at most once per sendPoll; bytes in flight refill
// within that time.
const sendPoll = time.Millisecond
