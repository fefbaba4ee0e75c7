//go:build !js

package posthorn

import (
	"encoding/json"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/media"
)

// sampleTrack returns a local Opus track in stream sid, fed with dummy
// samples until the test ends: pion fires ontrack at the first RTP packet.
func sampleTrack(t *testing.T, id, sid string) *media.Track {
	t.Helper()
	tr, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, id, sid)
	if err != nil {
		t.Fatal(err)
	}
	testutil.FeedSamples(t, tr)
	return media.NewLocalTrack(tr)
}

type streamEvent struct {
	stream, peerID, meta string
}

type trackEvent struct {
	track, stream, peerID, meta string
}

// TestMediaWithMetadata sends a stream, then a second track, each preceded
// by its metadata, from the initiator's side and from the non-initiator's
// (which has to go through the renegotiate/transceiverRequest dance over the
// data channel, §4.6). The receiver gets each metadata with the right event,
// and the slot is cleared afterwards.
func TestMediaWithMetadata(t *testing.T) {
	for _, fromInitiator := range []bool{true, false} {
		name := "from non-initiator"
		if fromInitiator {
			name = "from initiator"
		}
		t.Run(name, func(t *testing.T) {
			x, y := newMember(t), newMember(t)
			link(t, x, y) // x holds the initiator
			from, to := x, y
			if !fromInitiator {
				from, to = y, x
			}
			streams, tracks := make(chan streamEvent, 8), make(chan trackEvent, 8)
			to.room.OnPeerStream(func(s *media.Stream, id string, meta json.RawMessage) {
				streams <- streamEvent{s.ID(), id, string(meta)}
			})
			to.room.OnPeerTrack(func(tr *media.Track, s *media.Stream, id string, meta json.RawMessage) {
				tracks <- trackEvent{tr.ID(), s.ID(), id, string(meta)}
			})
			ctx := testCtx(t)

			mic := sampleTrack(t, "mic", "cam-stream")
			stream := media.NewStream("cam-stream", mic)
			if err := from.room.AddStream(ctx, stream, nil, map[string]string{"type": "webcam"}); err != nil {
				t.Fatal(err)
			}
			if tr := recv(t, tracks, "track event"); tr != (trackEvent{"mic", "cam-stream", from.id, ""}) {
				t.Errorf("track event %+v", tr)
			}
			if s := recv(t, streams, "stream event"); s != (streamEvent{"cam-stream", from.id, `{"type":"webcam"}`}) {
				t.Errorf("stream event %+v", s)
			}

			mic2 := sampleTrack(t, "mic2", "cam-stream")
			if err := from.room.AddTrack(ctx, mic2, stream, []string{to.id}, []string{"second"}); err != nil {
				t.Fatal(err)
			}
			if tr := recv(t, tracks, "second track event"); tr != (trackEvent{"mic2", "cam-stream", from.id, `["second"]`}) {
				t.Errorf("second track event %+v", tr)
			}

			// Removing sends no metadata and the data path still works.
			if err := from.room.RemoveTrack(t.Context(), mic2, stream, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := from.room.Ping(ctx, to.id); err != nil {
				t.Fatal(err)
			}
			to.room.mu.Lock()
			leftover := len(to.room.streamMetas) + len(to.room.trackMetas)
			to.room.mu.Unlock()
			if leftover != 0 {
				t.Errorf("%d metadata slots not cleared", leftover)
			}
		})
	}
}

func TestMediaMetaErrors(t *testing.T) {
	r := newRoom(roomlink.Options{Logger: quietLogger()})
	// Media metadata may be any JSON value; only unmarshallable ones fail.
	if err := r.AddStream(t.Context(), media.NewStream("s"), nil, make(chan int)); err == nil {
		t.Error("AddStream with unmarshallable meta succeeded")
	}
	if err := r.AddStream(t.Context(), media.NewStream("s"), nil, "a string is fine"); err != nil {
		t.Errorf("AddStream without peers = %v", err)
	}
}
