//go:build !js

package peer

import (
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// defaultAPI is shared by all peers, as pion recommends: default codecs and
// interceptors, plus loopback host candidates, larger UDP socket buffers and
// a capped SCTP retransmission timeout (see Config.API, udpSocketBuffer and
// sctpRTOMax).
var defaultAPI = sync.OnceValue(func() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNet(newBufferedNet())
	se.SetSCTPRTOMax(sctpRTOMax)
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
})

// sctpRTOMax caps SCTP's exponential retransmission backoff (RFC 9260
// RTO.Max; pion's default is 60 s), a local timer setting with no wire
// effect. The case it fixes: a receiver whose OnData falls behind stops
// pion's read loop (inboxLimit), its SCTP window fills, and the sender's
// zero-window probes are dropped and retried at 1, 2, 4, 8... s, so after a
// 10 s pause the transfer sat idle ~5 s more before resuming (~2 s with
// the cap). Chrome caps its SCTP timer backoff at 3 s for the same reason
// (kMaxTimerBackoffDuration in WebRTC's dcsctp_transport.cc); pion/sctp#181
// added this knob for it. pion applies the cap to the association's
// INIT/COOKIE timers too: a handshake whose every packet is lost gives up
// after about 20 s instead of minutes. Data is still retransmitted forever
// (no max retransmissions), so close behaviour does not change.
const sctpRTOMax = 3 * time.Second

func (c Config) api() *webrtc.API {
	if c.API != nil {
		return c.API
	}
	return defaultAPI()
}

// closeWaits: natively Close waits for the teardown.
const closeWaits = true
