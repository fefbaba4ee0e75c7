//go:build !js

package peer

import (
	"sync"

	"github.com/pion/webrtc/v4"
)

// defaultAPI is shared by all peers, as pion recommends: default codecs and
// interceptors, plus loopback host candidates and larger UDP socket buffers
// (see Config.API and udpSocketBuffer).
var defaultAPI = sync.OnceValue(func() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetNet(newBufferedNet())
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
})

func (c Config) api() *webrtc.API {
	if c.API != nil {
		return c.API
	}
	return defaultAPI()
}

// closeWaits: natively Close waits for the teardown.
const closeWaits = true
