//go:build !js

package interop

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/posthorn/posthorn/internal/ids"
	phmedia "github.com/posthorn/posthorn/media"
)

// nativeStream is a stream a native member received.
type nativeStream struct {
	id   string
	meta json.RawMessage
	s    *phmedia.Stream
}

// hookMedia records the streams the room reports and counts the RTP
// packets of every received track.
func (m *nativeMember) hookMedia() {
	m.room.OnPeerStream(func(s *phmedia.Stream, id string, meta json.RawMessage) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.nstreams = append(m.nstreams, nativeStream{id: id, meta: meta, s: s})
	})
	m.room.OnPeerTrack(func(tr *phmedia.Track, _ *phmedia.Stream, id string, _ json.RawMessage) {
		if tr.Remote == nil {
			return
		}
		video := tr.Kind() == "video"
		go func() {
			for {
				pkt, _, err := tr.Remote.ReadRTP()
				if err != nil {
					return
				}
				m.mu.Lock()
				m.rtp[id]++
				fw := m.forward[id]
				m.mu.Unlock()
				if fw != nil && video {
					_ = fw.WriteRTP(pkt)
				}
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
	s := phmedia.NewStream(streamID, phmedia.NewLocalTrack(track))
	if err := m.room.AddStream(t.Context(), s, targetList(targets), meta); err != nil {
		t.Fatalf("%s: AddStream: %v", m.name, err)
	}
	return []string{"video"}
}

// pliInterval is how often a forwarding native peer asks the original
// sender for a key frame (RTCP PLI, RFC 4585 §6.3.1), so that a receiver
// that starts mid-stream can decode.
const pliInterval = 500 * time.Millisecond

// ForwardVideo sends the video that `from` streams to m on to `to`, as a
// stream of m's own with meta: the RTP packets as they arrive, the way a
// server-side relay or recorder bot would, with a picture-loss request to
// `from` every pliInterval. It returns once the stream is added.
func (m *nativeMember) ForwardVideo(t testing.TB, from, to member, meta any) {
	t.Helper()
	var remote *webrtc.TrackRemote
	m.mu.Lock()
	for _, ns := range m.nstreams {
		for _, tr := range ns.s.GetTracks() {
			if ns.id == from.ID() && tr.Kind() == "video" && tr.Remote != nil {
				remote = tr.Remote
			}
		}
	}
	m.mu.Unlock()
	if remote == nil {
		t.Fatalf("%s: no video from %s to forward", m.name, from.Name())
	}
	streamID := "forward-" + ids.New(8)
	local, err := webrtc.NewTrackLocalStaticRTP(remote.Codec().RTPCodecCapability, "video", streamID)
	if err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	m.forward[from.ID()] = local
	m.mu.Unlock()
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(pliInterval)
		defer tick.Stop()
		pli := []rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(remote.SSRC())}}
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if p := m.room.Peers()[from.ID()]; p != nil {
					_ = p.WriteRTCP(pli)
				}
			}
		}
	}()
	s := phmedia.NewStream(streamID, phmedia.NewLocalTrack(local))
	if err := m.room.AddStream(t.Context(), s, targetList(to.ID()), meta); err != nil {
		t.Fatalf("%s: AddStream: %v", m.name, err)
	}
}
