//go:build !js

package testutil

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// FeedSamples writes a dummy 20 ms sample to tr every 20 ms until t ends:
// pion fires ontrack on the receiving side only at the first RTP packet.
func FeedSamples(t testing.TB, tr *webrtc.TrackLocalStaticSample) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				_ = tr.WriteSample(media.Sample{Data: []byte{0xf8, 0xff, 0xfe}, Duration: 20 * time.Millisecond})
			}
		}
	}()
}
