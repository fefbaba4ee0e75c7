//go:build !js

package peer

import "time"

// sendHighWater caps how far the channel's bufferedAmount may grow before
// Send waits (native build). Trystero's rule is bufferedAmountLowThreshold =
// 64 KiB with Send waiting above it (protocol-0.18 §5.6); that threshold stays,
// and the high-water mark is a sender-local policy with no wire effect. The
// reason it differs natively: pion counts a byte in bufferedAmount until the
// remote SCTP stack acknowledges it, whereas a browser counts only bytes not
// yet handed to its SCTP stack, which keeps up to a congestion window in
// flight on top. Stopping at 64 KiB in pion therefore capped the bytes in
// flight at ~80 KiB, one such window per round trip: 3.5 MB/s at a 20 ms
// round trip (BenchmarkSendThroughputRTT20ms), against 18 MB/s with 1 MiB;
// on loopback the small window also cost ~15% more CPU per byte (a wake-up of
// Send and a round of SACKs per 16 KiB). 1 MiB matches pion's default SCTP
// receive window (sctp's initialRecvBufSize), the most that can be in flight
// anyway. Memory stays bounded: at most sendHighWater plus one message per
// channel (TestStalledReceiverBoundsSender).
const sendHighWater = 1 << 20

// highWater is the bufferedAmount above which Send waits: like a browser,
// the congestion window (what SCTP may have in flight) plus Trystero's
// 64 KiB of queue, at most sendHighWater. On a slow link the congestion
// window is small, so a message sent during a bulk transfer (a ping, a chat
// line) waits behind little more than 64 KiB of queued data instead of a
// whole 1 MiB (BenchmarkSendLatencyUnderLoad).
func (c *channel) highWater() uint64 {
	cwnd := uint64(c.sctp.Stats().CongestionWindow)
	return min(sendHighWater, cwnd+maxBufferedAmount)
}

// sendPoll is how often a Send waiting above the high-water mark re-checks
// bufferedAmount (native build). pion fires bufferedamountlow only when the
// amount falls to 64 KiB, so without the check each wait would drain the
// window from 1 MiB to 64 KiB before refilling it: that cost ~20% at a 20 ms
// round trip (BenchmarkSendThroughputRTT20ms 17 -> 21 MB/s with the check).
// A waiting Send wakes at most once per sendPoll; bytes in flight refill
// within that time.
const sendPoll = time.Millisecond
