//go:build !js

package browser

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestMixedBrowsers: a wasm page in Chromium and one in Firefox meet and
// use the whole API both ways: messages, a 1 MiB binary with metadata and
// progress, ping, a fake-camera stream with metadata that plays; then each
// closes its page in turn and the other sees it leave.
func TestMixedBrowsers(t *testing.T) {
	e := newEnvIn(t, browsertest.Chromium, "torrent")
	ff := browsertest.LaunchKind(t, browsertest.Firefox)
	pages := map[browsertest.Kind]*browsertest.Page{
		browsertest.Chromium: e.page("chromium"),
		browsertest.Firefox:  e.pageIn(ff, "firefox"),
	}
	ids := map[browsertest.Kind]string{}
	for k, p := range pages {
		ids[k] = selfID(t, p)
		e.join(p, "mixed", "")
		p.Eval(t, `(() => {
  window.got = []
  window.progress = []
  window.streams = []
  window.tracks = []
  const [, get, onProgress] = room.makeAction('mix')
  get((data, peerId, metadata) => got.push({peerId, metadata,
    value: data instanceof ArrayBuffer ? {len: data.byteLength, sum: bytes(data).reduce((a, b) => (a * 31 + b) % 1000003, 0)} : data}))
  onProgress((percent, peerId) => progress.push(percent))
  room.onPeerStream((stream, peerId, metadata) => streams.push({stream, peerId, metadata}))
  room.onPeerTrack((track, stream, peerId) => tracks.push(track.kind))
  return true
})()`, nil)
	}
	for k, p := range pages {
		waitPeers(t, p, ids[k.Other()])
	}

	for _, from := range browsertest.Kinds {
		to := from.Other()
		t.Run(string(from)+"→"+string(to), func(t *testing.T) {
			src, dst := pages[from], pages[to]
			sum := browsertest.EvalAs[float64](t, src, `(async () => {
  const [send] = room.makeAction('mix')
  await send('hello from `+string(from)+`')
  await send({n: 1, list: [true, null, 'é']})
  const payload = new Uint8Array(1 << 20).map((_, i) => (i * 7) % 251)
  await send(payload, null, {name: 'blob.bin'})
  return Array.from(payload).reduce((a, b) => (a * 31 + b) % 1000003, 0)
})()`)
			dst.WaitFor(t, "got.length === 3", 0)
			got := browsertest.EvalAs[[]map[string]any](t, dst, "got")
			want := []map[string]any{
				{"peerId": ids[from], "value": "hello from " + string(from)},
				{"peerId": ids[from], "value": map[string]any{"n": 1.0, "list": []any{true, nil, "é"}}},
				{"peerId": ids[from], "value": map[string]any{"len": float64(1 << 20), "sum": sum}, "metadata": map[string]any{"name": "blob.bin"}},
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s got %v\nwant %v", to, got, want)
			}
			if last := browsertest.EvalAs[float64](t, dst, "progress.at(-1)"); last != 1 {
				t.Errorf("%s: last receive progress %v, want 1", to, last)
			}
			if ms := browsertest.EvalAs[float64](t, src, "room.ping("+jsString(ids[to])+")"); ms < 0 {
				t.Errorf("ping from %s: %v", from, ms)
			}

			src.Eval(t, `(async () => {
  const s = await navigator.mediaDevices.getUserMedia({audio: true, video: true})
  await Promise.all(room.addStream(s, null, {from: '`+string(from)+`'}))
  return true
})()`, nil)
			dst.WaitFor(t, "streams.length === 1 && streams[0].stream.getTracks().length === 2", 0)
			meta := browsertest.EvalAs[map[string]any](t, dst, "({peerId: streams[0].peerId, metadata: streams[0].metadata, tracks: tracks.slice().sort()})")
			wantMeta := map[string]any{"peerId": ids[from], "metadata": map[string]any{"from": string(from)}, "tracks": []any{"audio", "video"}}
			if !reflect.DeepEqual(meta, wantMeta) {
				t.Fatalf("%s's stream at %s: %v, want %v", from, to, meta, wantMeta)
			}
			var size struct{ W, H int }
			dst.Eval(t, `(async () => {
  const v = document.createElement('video')
  v.muted = true
  v.srcObject = streams[0].stream
  document.body.append(v)
  await v.play()
  while (v.videoWidth === 0) await new Promise(r => setTimeout(r, 50))
  return {W: v.videoWidth, H: v.videoHeight}
})()`, &size)
			if size.W == 0 || size.H == 0 {
				t.Errorf("%s's video at %s is %dx%d", from, to, size.W, size.H)
			}
		})
	}

	// Closing a page: the other sees the peer leave, by its connection
	// closing (jsapi closes them on pagehide), not ICE failing later.
	// Firefox first, then a fresh Firefox page meets Chromium and
	// Chromium's page closes.
	closeAndWaitLeave(t, pages[browsertest.Firefox], pages[browsertest.Chromium], ids[browsertest.Firefox])
	p2 := e.pageIn(ff, "firefox-2")
	id2 := selfID(t, p2)
	e.join(p2, "mixed", "")
	waitPeers(t, p2, ids[browsertest.Chromium])
	waitPeers(t, pages[browsertest.Chromium], id2)
	closeAndWaitLeave(t, pages[browsertest.Chromium], p2, ids[browsertest.Chromium])
}

// closeAndWaitLeave closes page gone, whose selfId is goneID, and waits
// until stay sees it leave; the ICE connection to it must not have gone
// disconnected or failed first (a leave noticed only through ICE timeouts,
// some 30 s later).
func closeAndWaitLeave(t *testing.T, gone, stay *browsertest.Page, goneID string) {
	t.Helper()
	stay.Eval(t, `(() => {
  const pc = room.getPeers()[`+jsString(goneID)+`]
  window.iceStates = []
  pc.addEventListener('iceconnectionstatechange', () => iceStates.push(pc.iceConnectionState))
  return true
})()`, nil)
	start := time.Now()
	gone.Close()
	stay.WaitFor(t, fmt.Sprintf("left.includes(%s) && !peers.has(%[1]s)", jsString(goneID)), 0)
	states := browsertest.EvalAs[[]string](t, stay, "iceStates")
	t.Logf("%s saw %s leave after %v; ICE states meanwhile: %v", stay.Name, gone.Name, time.Since(start), states)
	if slices.Contains(states, "disconnected") || slices.Contains(states, "failed") {
		t.Errorf("%s noticed the closed page %s only through ICE (states %v)", stay.Name, gone.Name, states)
	}
}
