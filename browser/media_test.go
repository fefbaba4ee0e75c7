//go:build !js

package browser

import (
	"reflect"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestMedia: a fake-camera stream with metadata, then a track added with
// metadata, replaced and removed, between two wasm pages.
func TestMedia(t *testing.T) { browsertest.ForEach(t, testMedia) }

func testMedia(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p1, p2, id1, id2 := e.twoPages("media")

	p2.Eval(t, `(() => {
  window.streams = []
  window.tracks = []
  room.onPeerStream((stream, peerId, metadata) => streams.push({stream, peerId, metadata}))
  room.onPeerTrack((track, stream, peerId, metadata) => tracks.push({track, stream, peerId, metadata}))
  return true
})()`, nil)

	// Seed README, "Audio and video", with stream metadata.
	n := browsertest.EvalAs[int](t, p1, `(async () => {
  const selfStream = await navigator.mediaDevices.getUserMedia({audio: true, video: true})
  window.selfStream = selfStream
  const ps = room.addStream(selfStream, null, {kind: 'webcam'})
  await Promise.all(ps)
  return ps.length
})()`)
	if n != 1 {
		t.Fatalf("addStream returned %d promises, want 1 (one peer)", n)
	}
	p2.WaitFor(t, "streams.length === 1 && streams[0].stream.getTracks().length === 2", 0)
	got := browsertest.EvalAs[map[string]any](t, p2, `(() => {
  const s = streams[0]
  return {
    isStream: s.stream instanceof MediaStream, peerId: s.peerId, metadata: s.metadata,
    kinds: s.stream.getTracks().map(t => t.kind).sort(),
    trackEvents: tracks.length, trackIsTrack: tracks.every(t => t.track instanceof MediaStreamTrack && t.peerId === `+jsString(id1)+`),
  }
})()`)
	want := map[string]any{
		"isStream": true, "peerId": id1, "metadata": map[string]any{"kind": "webcam"},
		"kinds": []any{"audio", "video"}, "trackEvents": 2.0, "trackIsTrack": true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stream event: got %v\nwant %v", got, want)
	}

	// A canvas track added to the same stream, with track metadata.
	p1.Eval(t, `(async () => {
  const c = document.createElement('canvas')
  c.width = 64
  c.height = 48
  const g = c.getContext('2d')
  setInterval(() => { g.fillStyle = '#' + Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0'); g.fillRect(0, 0, 64, 48) }, 50)
  window.canvasTrack = c.captureStream(10).getVideoTracks()[0]
  await Promise.all(room.addTrack(canvasTrack, selfStream, `+jsString(id2)+`, {kind: 'canvas'}))
  return true
})()`, nil)
	p2.WaitFor(t, "tracks.some(t => t.metadata?.kind === 'canvas')", 0)
	got = browsertest.EvalAs[map[string]any](t, p2, `(() => {
  const t = tracks.find(t => t.metadata?.kind === 'canvas')
  window.canvasRemote = t
  return {kind: t.track.kind, peerId: t.peerId, streamId: t.stream.id === streams[0].stream.id, metaless: tracks.length}
})()`)
	want = map[string]any{"kind": "video", "peerId": id1, "streamId": true, "metaless": 3.0}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("track event: got %v\nwant %v", got, want)
	}

	// replaceTrack: the sender now carries a second fake-camera track; no
	// renegotiation, so no new track event.
	p1.Eval(t, `(async () => {
  window.otherTrack = (await navigator.mediaDevices.getUserMedia({video: true})).getVideoTracks()[0]
  await Promise.all(room.replaceTrack(canvasTrack, otherTrack, selfStream))
  return true
})()`, nil)
	p1.WaitFor(t, "Object.values(room.getPeers())[0].getSenders().some(s => s.track === otherTrack)", 0)
	if browsertest.EvalAs[bool](t, p1, "Object.values(room.getPeers())[0].getSenders().some(s => s.track === canvasTrack)") {
		t.Fatal("the replaced track is still being sent")
	}

	// removeTrack: the sender stops; the receiver's stream loses the track
	// after renegotiation.
	p1.Eval(t, "room.removeTrack(otherTrack, selfStream); true", nil)
	p1.WaitFor(t, "!Object.values(room.getPeers())[0].getSenders().some(s => s.track === otherTrack)", 0)
	p2.WaitFor(t, "canvasRemote.track.muted || canvasRemote.track.readyState === 'ended' || !streams[0].stream.getTrackById(canvasRemote.track.id)", 0)

	// removeStream: every sender of the stream stops.
	p1.Eval(t, "room.removeStream(selfStream); true", nil)
	p1.WaitFor(t, "Object.values(room.getPeers())[0].getSenders().every(s => !s.track)", 0)
}
