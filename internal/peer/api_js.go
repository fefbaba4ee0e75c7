//go:build js && wasm

package peer

import (
	"sync"

	"github.com/pion/webrtc/v4"
)

// defaultAPI is pion's shim over the browser's RTCPeerConnection.
var defaultAPI = sync.OnceValue(func() *webrtc.API { return webrtc.NewAPI() })

func (c Config) api() *webrtc.API {
	if c.API != nil {
		return c.API
	}
	return defaultAPI()
}

// closeWaits: in the browser Close must not block (see Close).
const closeWaits = false
