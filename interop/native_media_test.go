//go:build !js

package interop

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/posthorn/posthorn/ids"
	"github.com/posthorn/posthorn/peer"
)

// nativeStream is a stream a native member received.
type nativeStream struct {
	id   string
	meta json.RawMessage
	s    *peer.MediaStream
}

// hookMedia records the streams the room reports and counts the RTP
// packets of every received track.
func (m *nativeMember) hookMedia() {
	m.room.OnPeerStream(func(s *peer.MediaStream, id string, meta json.RawMessage) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.nstreams = append(m.nstreams, nativeStream{id: id, meta: meta, s: s})
	})
	m.room.OnPeerTrack(func(tr *peer.MediaStreamTrack, _ *peer.MediaStream, id string, _ json.RawMessage) {
		if tr.Remote == nil {
			return
		}
		go func() {
			for {
				if _, _, err := tr.Remote.ReadRTP(); err != nil {
					return
				}
				m.mu.Lock()
				m.rtp[id]++
				m.mu.Unlock()
			}
		}()
	})
}

func (m *nativeMember) Streams(testing.TB) []stream {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []stream
	for _, ns := range m.nstreams {
		var kinds []string
		for _, tr := range ns.s.GetTracks() {
			kinds = append(kinds, tr.Kind())
		}
		slices.Sort(kinds)
		out = append(out, stream{ID: ns.id, Meta: ns.meta, Kinds: kinds, StreamID: ns.s.ID()})
	}
	return out
}

// RTPPackets returns how many RTP packets arrived from peer id.
func (m *nativeMember) RTPPackets(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rtp[id]
}

// sampleInterval paces the native video track: 30 frames a second.
const sampleInterval = time.Second / 30

// SendMedia sends a VP8 video track whose samples are filler bytes (nobody
// decodes them: the test checks the stream, its metadata and that RTP
// flows), written until the test ends.
func (m *nativeMember) SendMedia(t testing.TB, targets any, meta any) []string {
	t.Helper()
	streamID := "native-" + ids.New(8)
	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", streamID)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(sampleInterval)
		defer tick.Stop()
		frame := make([]byte, 1000)
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				track.WriteSample(media.Sample{Data: frame, Duration: sampleInterval})
			}
		}
	}()
	s := peer.NewMediaStream(streamID, peer.NewLocalTrack(track))
	if err := m.room.AddStream(t.Context(), s, targetList(targets), meta); err != nil {
		t.Fatalf("%s: AddStream: %v", m.name, err)
	}
	return []string{"video"}
}
