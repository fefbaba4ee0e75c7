//go:build !js

package peer

import (
	"errors"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/media"
)

func newSampleTrack(t *testing.T, kind, id, stream string) (*webrtc.TrackLocalStaticSample, *media.Track) {
	t.Helper()
	mime := webrtc.MimeTypeOpus
	if kind == "video" {
		mime = webrtc.MimeTypeVP8
	}
	tr, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: mime}, id, stream)
	if err != nil {
		t.Fatal(err)
	}
	return tr, media.NewLocalTrack(tr)
}

type remoteTrack struct {
	track  *media.Track
	stream *media.Stream
}

func watchMedia(p *Peer) (chan remoteTrack, chan *media.Stream) {
	tracks, streams := make(chan remoteTrack, 8), make(chan *media.Stream, 8)
	p.OnTrack(func(tr *media.Track, s *media.Stream) { tracks <- remoteTrack{tr, s} })
	p.OnStream(func(s *media.Stream) { streams <- s })
	return tracks, streams
}

func signalTypes(l *signalLog) []string {
	var out []string
	for _, s := range l.all() {
		out = append(out, s.Type)
	}
	return out
}

func assertNeverOffers(t *testing.T, l *signalLog) {
	t.Helper()
	for _, s := range l.all() {
		if s.Type == TypeOffer {
			t.Fatalf("the non-initiator offered; the initiator role is sticky (protocol-0.18 §4.6): %v", signalTypes(l))
		}
	}
}

func TestInitiatorAddsTrack(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	tracks, streams := watchMedia(pr.b)
	tr, track := newSampleTrack(t, "video", "cam-1", "stream-1")
	stream := media.NewStream("stream-1", track)
	if err := pr.a.AddStream(stream); err != nil {
		t.Fatal(err)
	}
	testutil.FeedSamples(t, tr)
	got := recv(t, "remote track", tracks)
	if got.track.Kind() != "video" || got.track.ID() != "cam-1" || got.stream.ID() != "stream-1" {
		t.Fatalf("got track %s/%s in stream %s", got.track.Kind(), got.track.ID(), got.stream.ID())
	}
	if s := recv(t, "remote stream", streams); s.ID() != "stream-1" || len(s.GetTracks()) != 1 {
		t.Fatalf("stream %s with %d tracks", s.ID(), len(s.GetTracks()))
	}
	assertNeverOffers(t, &pr.bSig)
	if n := len(pr.aSig.all()); n != 2 {
		t.Fatalf("initiator emitted %v, want first offer and one renegotiation offer", signalTypes(&pr.aSig))
	}

	// errors of simple-peer's sender map
	if err := pr.a.AddTrack(track, stream); !errors.Is(err, ErrTrackAdded) {
		t.Fatalf("re-adding: %v", err)
	}
	if err := pr.a.RemoveTrack(track, media.NewStream("other")); !errors.Is(err, ErrTrackNotAdded) {
		t.Fatalf("removing an unknown pair: %v", err)
	}

	// replace without renegotiation
	_, repl := newSampleTrack(t, "video", "cam-2", "stream-1")
	before := len(pr.aSig.all())
	if err := pr.a.ReplaceTrack(track, repl, stream); err != nil {
		t.Fatal(err)
	}

	// remove: a new offer without the track's msid
	if err := pr.a.RemoveStream(stream); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "renegotiation after removal", func() bool { return len(pr.aSig.all()) > before })
	last := pr.aSig.all()[len(pr.aSig.all())-1]
	_, video, _ := strings.Cut(last.SDP, "m=video")
	if last.Type != TypeOffer || strings.Contains(video, "a=msid:") || strings.Contains(video, "a=sendrecv") {
		t.Fatalf("offer after removal still sends the track:\n%s", last.SDP)
	}
	if err := pr.a.AddTrack(track, stream); !errors.Is(err, ErrTrackRemoved) {
		t.Fatalf("re-adding a removed track: %v", err)
	}
	// the data path is untouched by all this
	exchange(t, pr.a, pr.b, numbered(5, 10))
}

// The non-initiator never offers: it asks with renegotiate, answers the
// initiator's offer, then asks for a transceiver for its track that has no
// m-line yet; the initiator adds one and offers again (protocol-0.18 §4.6).
func TestNonInitiatorAddsTrack(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	tracks, streams := watchMedia(pr.a)
	tr, track := newSampleTrack(t, "audio", "mic-1", "stream-b")
	if err := pr.b.AddTrack(track, media.NewStream("stream-b")); err != nil {
		t.Fatal(err)
	}
	testutil.FeedSamples(t, tr)
	got := recv(t, "remote track at the initiator", tracks)
	if got.track.Kind() != "audio" || got.track.ID() != "mic-1" || got.stream.ID() != "stream-b" {
		t.Fatalf("got track %s/%s in stream %s", got.track.Kind(), got.track.ID(), got.stream.ID())
	}
	recv(t, "remote stream at the initiator", streams)
	assertNeverOffers(t, &pr.bSig)
	want := []string{TypeAnswer, TypeRenegotiate, TypeAnswer, TypeTransceiverRequest, TypeAnswer}
	if got := signalTypes(&pr.bSig); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("non-initiator signals %v, want %v", got, want)
	}
	for _, s := range pr.bSig.all() {
		if s.TransceiverRequest != nil && s.TransceiverRequest.Kind != "audio" {
			t.Fatalf("transceiverRequest kind %q", s.TransceiverRequest.Kind)
		}
	}
	exchange(t, pr.b, pr.a, numbered(5, 10))
}

// A transceiverRequest makes the initiator add a sendrecv transceiver and
// offer; the non-initiator ignores renegotiate and transceiverRequest.
func TestTransceiverRequest(t *testing.T) {
	pr := newPair(t, pairOpts{})
	pr.waitConnected(t)
	for _, s := range []Signal{
		{Type: TypeRenegotiate, Renegotiate: true},
		{Type: TypeTransceiverRequest, TransceiverRequest: &TransceiverRequest{Kind: "video"}},
	} {
		if err := pr.b.Signal(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := pr.a.Signal(Signal{Type: TypeTransceiverRequest, TransceiverRequest: &TransceiverRequest{Kind: "video"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "offer with a video m-line answered", func() bool {
		sigs := pr.aSig.all()
		return len(sigs) == 2 && strings.Contains(sigs[1].SDP, "m=video") && len(pr.bSig.all()) == 2 &&
			pr.a.PeerConnection().SignalingState() == webrtc.SignalingStateStable
	})
	offer := pr.aSig.all()[1].SDP
	if !strings.Contains(offer, "a=sendrecv") {
		t.Fatalf("transceiver is not sendrecv:\n%s", offer)
	}
	if n := len(pr.b.PeerConnection().GetTransceivers()); n != 1 {
		t.Fatalf("non-initiator has %d transceivers, want the one from the offer", n)
	}
	assertNeverOffers(t, &pr.bSig)
	if types := signalTypes(&pr.bSig); strings.Join(types, ",") != "answer,answer" {
		t.Fatalf("non-initiator emitted %v", types)
	}
}
