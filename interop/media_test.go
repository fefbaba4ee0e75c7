//go:build !js

package interop

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// streamReceiver is a member that reports received media streams.
type streamReceiver interface {
	member
	Streams(t testing.TB) []stream
}

// AddCamera sends the page's fake camera and microphone to targets with meta
// and returns the track kinds sent.
func (m *pageMember) AddCamera(t testing.TB, targets any, meta any) []string {
	t.Helper()
	return browsertest.EvalAs[[]string](t, m.page, "H.addCamera("+js(targets)+", "+js(meta)+")")
}

// streamSender is a member that can send a media stream: a page its fake
// camera and microphone, a native peer a video track.
type streamSender interface {
	member
	// SendMedia sends a stream to targets with meta and returns the kinds
	// of its tracks, sorted.
	SendMedia(t testing.TB, targets any, meta any) []string
}

// SendMedia sends the page's fake camera and microphone.
func (m *pageMember) SendMedia(t testing.TB, targets any, meta any) []string {
	return m.AddCamera(t, targets, meta)
}

// mediaTo sends from's stream to `to` and checks that `to` gets one stream
// from from with the metadata and the same track kinds (protocol-0.18 §4.6: the
// metadata goes first over __57r34m__, then renegotiation adds the tracks).
func mediaTo(t *testing.T, from streamSender, to streamReceiver) stream {
	t.Helper()
	meta := map[string]any{"kind": "camera", "from": from.Name()}
	kinds := from.SendMedia(t, to.ID(), meta)
	var got stream
	eventually(t, to.Name()+" to receive "+from.Name()+"'s stream with all its tracks", func() bool {
		for _, s := range to.Streams(t) {
			if s.ID == from.ID() {
				got = s
				return len(s.Kinds) >= len(kinds)
			}
		}
		return false
	})
	var m any
	if err := json.Unmarshal(got.Meta, &m); err != nil || !reflect.DeepEqual(m, meta) {
		t.Errorf("stream from %s: metadata %s, want %s", from.Name(), got.Meta, mustJSON(meta))
	}
	if !reflect.DeepEqual(got.Kinds, kinds) {
		t.Errorf("stream from %s: track kinds %v, want %v", from.Name(), got.Kinds, kinds)
	}
	if t.Failed() {
		t.Logf("all streams %s received: %+v", to.Name(), to.Streams(t))
	}
	return got
}

// playsVideo checks that the first stream a page received shows frames.
func playsVideo(t *testing.T, m *pageMember) {
	t.Helper()
	var size struct{ Width, Height int }
	m.page.Eval(t, "H.playStream(0)", &size)
	if size.Width == 0 || size.Height == 0 {
		t.Errorf("%s: received video is %dx%d", m.Name(), size.Width, size.Height)
	}
}
