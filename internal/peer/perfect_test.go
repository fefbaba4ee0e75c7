//go:build !js

package peer

import (
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/media"
)

// TestPerfectNonInitiatorOffers: under perfect negotiation the side that
// did not initiate adds a track by offering itself, with no renegotiate or
// transceiverRequest signal (protocol-0.25 §5).
func TestPerfectNonInitiatorOffers(t *testing.T) {
	pr := newPair(t, pairOpts{trickle: true, perfect: true})
	pr.waitConnected(t)
	tracks, _ := watchMedia(pr.a)
	tr, track := newSampleTrack(t, "audio", "mic-1", "stream-b")
	if err := pr.b.AddStream(media.NewStream("stream-b", track)); err != nil {
		t.Fatal(err)
	}
	testutil.FeedSamples(t, tr)
	if got := recv(t, "remote track", tracks); got.track.ID() != "mic-1" || got.stream.ID() != "stream-b" {
		t.Fatalf("got track %s in stream %s", got.track.ID(), got.stream.ID())
	}
	offered := false
	for _, s := range pr.bSig.all() {
		switch {
		case s.Type == TypeOffer:
			offered = true
		case s.Renegotiate || s.TransceiverRequest != nil:
			t.Fatalf("non-initiator sent %s under perfect negotiation", s.Type)
		}
	}
	if !offered {
		t.Fatalf("non-initiator did not offer: %v", signalTypes(&pr.bSig))
	}
}
