//go:build !js

package interop

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/testutil"
	phmedia "github.com/posthorn/posthorn/media"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// Media under Trystero 0.25 (protocol-0.25 §10, §14.8): every addStream,
// addTrack and replaceTrack is preceded by an @_stream or @_track message
// {k, s, t?, m?}, and Trystero 0.25 reports only media so announced. A
// native posthorn peer and a real @trystero-p2p/mqtt@0.25.4 page exchange
// streams and tracks with metadata both ways; posthorn's 0.25 JS API page
// does the same with a real page.

// media025Event is a stream or track a page or a native peer received.
type media025Event struct {
	ID       string `json:"id"`
	StreamID string `json:"streamId"`
	TrackID  string `json:"trackId"`
	Kind     string `json:"kind"`
	Meta     any    `json:"meta"`
	HasMeta  bool   `json:"hasMeta"`
}

// nativeMedia025 records what a native 0.25 peer's room reports, and counts
// the RTP packets of the tracks it was given.
type nativeMedia025 struct {
	mu      sync.Mutex
	streams []media025Event
	tracks  []media025Event
	rtp     int
}

func hookNativeMedia025(n *native025) *nativeMedia025 {
	m := &nativeMedia025{}
	read := func(tr *phmedia.Track) {
		if tr.Remote == nil {
			return
		}
		go func() {
			for {
				if _, _, err := tr.Remote.ReadRTP(); err != nil {
					return
				}
				m.mu.Lock()
				m.rtp++
				m.mu.Unlock()
			}
		}()
	}
	event := func(s *phmedia.Stream, tr *phmedia.Track, id string, meta json.RawMessage) media025Event {
		e := media025Event{ID: id, StreamID: s.ID(), HasMeta: meta != nil}
		if tr != nil {
			e.TrackID, e.Kind = tr.ID(), tr.Kind()
		}
		if meta != nil {
			_ = json.Unmarshal(meta, &e.Meta)
		}
		return e
	}
	n.room.OnPeerStream(func(s *phmedia.Stream, id string, meta json.RawMessage) {
		for _, tr := range s.GetTracks() {
			read(tr)
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.streams = append(m.streams, event(s, nil, id, meta))
	})
	n.room.OnPeerTrack(func(tr *phmedia.Track, s *phmedia.Stream, id string, meta json.RawMessage) {
		m.mu.Lock()
		defer m.mu.Unlock()
		if !slices.ContainsFunc(m.tracks, func(e media025Event) bool { return e.TrackID == tr.ID() }) {
			read(tr)
		}
		m.tracks = append(m.tracks, event(s, tr, id, meta))
	})
	return m
}

func (m *nativeMedia025) snapshot() (streams, tracks []media025Event, rtp int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.streams), slices.Clone(m.tracks), m.rtp
}

// vp8Track is a local VP8 track of stream sid, fed with filler samples
// until the test ends (nobody decodes them; RTP flows).
func vp8Track(t *testing.T, id, sid string) *phmedia.Track {
	t.Helper()
	tr, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, id, sid)
	if err != nil {
		t.Fatal(err)
	}
	testutil.FeedSamples(t, tr)
	return phmedia.NewLocalTrack(tr)
}

// pageMedia025 returns what a harness025 page received: streams and tracks.
func pageMedia025(t *testing.T, p *page025) (streams, tracks []media025Event) {
	return browsertest.EvalAs[[]media025Event](t, p.page, "H.streams"), browsertest.EvalAs[[]media025Event](t, p.page, "H.tracks")
}

// wantEvent fails unless got is from peer `from` with meta (nil: none).
func wantEvent(t *testing.T, what string, got media025Event, from string, meta any) {
	t.Helper()
	if got.ID != from || got.HasMeta != (meta != nil) || (meta != nil && !reflect.DeepEqual(got.Meta, meta)) {
		t.Errorf("%s: %+v, want from %s with metadata %v", what, got, from, meta)
	}
}

// TestNativeMedia025 meets a native posthorn peer on Protocol025 and a real
// @trystero-p2p/mqtt@0.25.4 page through the Go MQTT broker, with either
// side leading (the smaller id is the impolite side of perfect
// negotiation): the page sends its camera with metadata (the native peer
// reports the stream with it, and RTP flows), the native peer sends a
// video stream with metadata and one without (the page reports both, the
// second with no metadata: it would drop a stream not announced), then
// each sends a track of its own with metadata, and replaces it with new
// metadata (the other side reports its same track again with it).
func TestNativeMedia025(t *testing.T) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assets025(t, "mqtt"))
	relays := []string{mqtt025.relay(t)}
	for _, goLeads := range []bool{true, false} {
		t.Run(fmt.Sprintf("go-leads=%v", goLeads), func(t *testing.T) {
			cfg := joinConfig{AppID: appID, Relays: relays, Room: fmt.Sprintf("media025-%v", goLeads)}
			js := openPage025(t, b, site, "js")
			js.join(t, cfg)
			n := joinNative025(t, mqtt025, "native", nativeID(t, js.id, goLeads), cfg)
			nm := hookNativeMedia025(n)
			eventually(t, "the page to see the native peer join", func() bool { return slices.Contains(js.joined(t), n.id) })
			eventually(t, "the native peer to see the page join", func() bool {
				j, _, _ := n.snapshot()
				return slices.Contains(j, js.id)
			})
			ctx := t.Context()

			// Page → native: the camera with metadata.
			var camID string
			js.page.Eval(t, "H.addCamera("+string(mustJSON(n.id))+`, {"kind": "camera", "n": 1})`, &camID)
			var ns []media025Event
			eventually(t, "the native peer to report the page's camera", func() bool {
				ns, _, _ = nm.snapshot()
				return len(ns) > 0
			})
			wantEvent(t, "native stream event", ns[0], js.id, map[string]any{"kind": "camera", "n": 1.0})
			if ns[0].StreamID != camID {
				t.Errorf("native stream id %s, the page sent %s", ns[0].StreamID, camID)
			}
			eventually(t, "RTP from the page's camera", func() bool { _, _, rtp := nm.snapshot(); return rtp > 0 })

			// Native → page: a stream with metadata and one without.
			with := phmedia.NewStream("with-meta", vp8Track(t, "v1", "with-meta"))
			if err := n.room.AddStream(ctx, with, nil, map[string]any{"kind": "screen"}); err != nil {
				t.Fatal(err)
			}
			without := phmedia.NewStream("without-meta", vp8Track(t, "v2", "without-meta"))
			if err := n.room.AddStream(ctx, without, []string{js.id}, nil); err != nil {
				t.Fatal(err)
			}
			var ps, pt []media025Event
			eventually(t, "the page to report both native streams", func() bool {
				ps, _ = pageMedia025(t, js)
				return len(ps) >= 2
			})
			wantEvent(t, "page stream event 0", ps[0], n.id, map[string]any{"kind": "screen"})
			wantEvent(t, "page stream event 1", ps[1], n.id, nil)
			if ps[0].StreamID != "with-meta" || ps[1].StreamID != "without-meta" {
				t.Errorf("page stream ids %s, %s", ps[0].StreamID, ps[1].StreamID)
			}
			eventually(t, "the page's received tracks to be live", func() bool {
				return browsertest.EvalAs[bool](t, js.page, "H.remoteLive()")
			})

			// Page → native: a track, then its replacement.
			var sent struct{ TrackID, StreamID string }
			js.page.Eval(t, "H.addVideoTrack("+string(mustJSON(n.id))+`, {"track": 1})`, &sent)
			var nt []media025Event
			eventually(t, "the native peer to report the page's track", func() bool {
				_, nt, _ = nm.snapshot()
				return len(nt) > 0
			})
			wantEvent(t, "native track event", nt[0], js.id, map[string]any{"track": 1.0})
			// The receiver's track id is the SDP's msid, which Chromium need
			// not take from the sender's track.id (a reused transceiver).
			if nt[0].StreamID != sent.StreamID || nt[0].Kind != "video" {
				t.Errorf("native track event %+v, the page sent %+v", nt[0], sent)
			}
			js.page.Eval(t, "H.replaceVideoTrack("+string(mustJSON(n.id))+`, {"track": 2})`, nil)
			eventually(t, "the native peer to report the replaced track", func() bool {
				_, nt, _ = nm.snapshot()
				return len(nt) > 1
			})
			wantEvent(t, "native replaced-track event", nt[1], js.id, map[string]any{"track": 2.0})
			if nt[1].TrackID != nt[0].TrackID {
				t.Errorf("replaceTrack reported track %s, want the receiver's %s", nt[1].TrackID, nt[0].TrackID)
			}

			// Native → page: a track, then its replacement.
			v3 := vp8Track(t, "v3", "with-meta")
			if err := n.room.AddTrack(ctx, v3, with, nil, []string{"third"}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the page to report the native track", func() bool {
				_, pt = pageMedia025(t, js)
				return len(pt) > 0
			})
			wantEvent(t, "page track event", pt[0], n.id, []any{"third"})
			if pt[0].StreamID != "with-meta" || pt[0].Kind != "video" {
				t.Errorf("page track event %+v", pt[0])
			}
			if err := n.room.ReplaceTrack(ctx, v3, vp8Track(t, "v4", "with-meta"), with, nil, "fourth"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the page to report the replaced track", func() bool {
				_, pt = pageMedia025(t, js)
				return len(pt) > 1
			})
			wantEvent(t, "page replaced-track event", pt[1], n.id, "fourth")
			if pt[1].TrackID != pt[0].TrackID {
				t.Errorf("page replaced-track event %+v, want track %s", pt[1], pt[0].TrackID)
			}

			if ns, _, _ := nm.snapshot(); len(ns) != 1 {
				t.Errorf("native stream events %+v, want the camera only", ns)
			}
			if e := browsertest.EvalAs[[]string](t, js.page, "H.errors"); len(e) != 0 {
				t.Errorf("page errors %v", e)
			}
		})
	}
}

// TestWasmMedia025 meets posthorn's 0.25 JS API page (posthorn/v025/mqtt)
// and a real @trystero-p2p/mqtt@0.25.4 page through the Go MQTT broker:
// each sends the other its camera with metadata (the other reports the
// stream with it, and its tracks go live), then a track with metadata and
// its replacement with new metadata (the other reports its same track
// again). The media methods return what Trystero's return.
func TestWasmMedia025(t *testing.T) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assetsWasm025(t, mqtt025.pkg))
	srv := mqttbroker.New(mqttbroker.Config{Logger: relayLogger(t, "broker")})
	cfg := joinConfig{AppID: appID, Relays: []string{serveRelay(t, srv, "/mqtt", srv.Close)}, Room: "wasm-media025"}
	ph := openHarness(t, b, site, "posthorn", "posthorn.html")
	real := openHarness(t, b, site, "trystero", "index.html")
	ph.join(t, cfg)
	real.join(t, cfg)
	for _, p := range [][2]*page025{{ph, real}, {real, ph}} {
		from, to := p[0], p[1]
		eventually(t, from.page.Name+" to see "+to.page.Name+" join", func() bool { return slices.Contains(from.joined(t), to.id) })
	}
	for i, p := range [][2]*page025{{ph, real}, {real, ph}} {
		from, to := p[0], p[1]
		meta := map[string]any{"from": from.page.Name}
		var camID string
		from.page.Eval(t, "H.addCamera("+string(mustJSON(to.id))+", "+string(mustJSON(meta))+")", &camID)
		var got []media025Event
		eventually(t, to.page.Name+" to report "+from.page.Name+"'s camera", func() bool {
			got, _ = pageMedia025(t, to)
			return len(got) > 0
		})
		wantEvent(t, to.page.Name+"'s stream event", got[0], from.id, meta)
		if got[0].StreamID != camID || !slices.Equal(browsertest.EvalAs[[]string](t, to.page, "H.streams[0].kinds"), []string{"audio", "video"}) {
			t.Errorf("%s's stream event %+v, %s sent stream %s with audio and video", to.page.Name, got[0], from.page.Name, camID)
		}
		eventually(t, to.page.Name+"'s received tracks to be live", func() bool {
			return browsertest.EvalAs[bool](t, to.page, "H.remoteLive()")
		})

		var sent struct{ TrackID, StreamID string }
		from.page.Eval(t, "H.addVideoTrack("+string(mustJSON(to.id))+fmt.Sprintf(`, {"track": %d})`, i), &sent)
		eventually(t, to.page.Name+" to report "+from.page.Name+"'s track", func() bool {
			_, got = pageMedia025(t, to)
			return len(got) > 0
		})
		wantEvent(t, to.page.Name+"'s track event", got[0], from.id, map[string]any{"track": float64(i)})
		if got[0].StreamID != sent.StreamID || got[0].Kind != "video" {
			t.Errorf("%s's track event %+v, %s sent %+v", to.page.Name, got[0], from.page.Name, sent)
		}
		from.page.Eval(t, "H.replaceVideoTrack("+string(mustJSON(to.id))+`, "replaced")`, nil)
		eventually(t, to.page.Name+" to report the replaced track", func() bool {
			_, got = pageMedia025(t, to)
			return len(got) > 1
		})
		wantEvent(t, to.page.Name+"'s replaced-track event", got[1], from.id, "replaced")
		if got[1].TrackID != got[0].TrackID {
			t.Errorf("%s's replaced-track event %+v, want track %s", to.page.Name, got[1], got[0].TrackID)
		}
		if s, _ := pageMedia025(t, to); len(s) != 1 {
			t.Errorf("%s's stream events %+v, want the camera only", to.page.Name, s)
		}
	}
	// The return values, for a target that is not in the room: an empty
	// array from the adders, undefined from the removers.
	const shape = `JSON.stringify([H.room.addStream(H.local.camera, {target: 'nobody'}),
		H.room.addTrack(H.local.track, H.local.camera, {target: ['nobody']}),
		H.room.replaceTrack(H.local.track, H.local.track, {target: 'nobody'}),
		H.room.removeStream(H.local.camera, {target: 'nobody'}) === undefined,
		H.room.removeTrack(H.local.track, {target: 'nobody'}) === undefined])`
	if got, want := browsertest.EvalAs[string](t, ph.page, shape), browsertest.EvalAs[string](t, real.page, shape); got != want || want != "[[],[],[],true,true]" {
		t.Errorf("posthorn's media methods give %s, Trystero's %s", got, want)
	}
	for _, p := range []*page025{ph, real} {
		if e := browsertest.EvalAs[[]string](t, p.page, "H.errors"); len(e) != 0 {
			t.Errorf("%s: page errors %v", p.page.Name, e)
		}
	}
}
