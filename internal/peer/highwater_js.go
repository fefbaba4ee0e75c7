//go:build js && wasm

package peer

// highWater is the bufferedAmount above which Send waits (browser build):
// exactly Trystero's 64 KiB bufferedAmountLowThreshold (protocol-0.18 §5.6). A
// browser's bufferedAmount excludes bytes already handed to its SCTP stack,
// so this already keeps the pipe full (see the native twin for why pion
// needs more).
func (c *channel) highWater() uint64 { return maxBufferedAmount }

// sendPoll is 0 in the browser: the high-water mark is the threshold itself,
// so bufferedamountlow alone ends every wait (see the native twin).
const sendPoll = 0
