//go:build !js

package posthorn

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	v025wire "github.com/posthorn/posthorn/internal/v025/wire"
	"github.com/posthorn/posthorn/media"
)

// link025 connects x and y (0.25 rooms) with peers on perfect negotiation,
// as the engine makes them under Protocol025 (protocol-0.25 §5).
func link025(t *testing.T, x, y *member) {
	t.Helper()
	cfg := func(init bool) peer.Config {
		return peer.Config{Initiator: init, Perfect: true, RTCConfig: &peer.Configuration{}, Logger: quietLogger()}
	}
	xp, yp := connectPeersWith(t, cfg(true), cfg(false))
	x.room.addPeer(y.id, xp)
	y.room.addPeer(x.id, yp)
}

// TestMedia025: under 0.25 every stream and track is announced by
// @_stream/@_track {k, s, t?, m?} and the receiver reports it with that
// metadata (none: nil), from either side of the connection: a stream with
// metadata and one without, a track added on its own, and a ReplaceTrack,
// which reports the receiver's same track again with the new metadata.
// The tracks of an added stream get no track event, as in Trystero 0.25.
// ReplaceTrack and RemoveTrack with a nil stream act on the track wherever
// it is sent.
func TestMedia025(t *testing.T) {
	for _, fromInitiator := range []bool{true, false} {
		t.Run(map[bool]string{true: "from initiator", false: "from polite side"}[fromInitiator], func(t *testing.T) {
			x, _ := newMember025(t, "", 0)
			y, _ := newMember025(t, "", 0)
			joined := make(chan string, 2)
			x.room.OnPeerJoin(func(id string) { joined <- id })
			y.room.OnPeerJoin(func(id string) { joined <- id })
			link025(t, x, y)
			recv(t, joined, "join")
			recv(t, joined, "join")
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

			cam := media.NewStream("cam", sampleTrack(t, "mic", "cam"))
			if err := from.room.AddStream(ctx, cam, nil, map[string]string{"type": "webcam"}); err != nil {
				t.Fatal(err)
			}
			if s := recv(t, streams, "stream event"); s != (streamEvent{"cam", from.id, `{"type":"webcam"}`}) {
				t.Errorf("stream event %+v", s)
			}
			bare := media.NewStream("bare", sampleTrack(t, "hum", "bare"))
			if err := from.room.AddStream(ctx, bare, []string{to.id}, nil); err != nil {
				t.Fatal(err)
			}
			if s := recv(t, streams, "second stream event"); s != (streamEvent{"bare", from.id, ""}) {
				t.Errorf("stream without metadata: event %+v", s)
			}

			mic2 := sampleTrack(t, "mic2", "cam")
			if err := from.room.AddTrack(ctx, mic2, cam, nil, []string{"second"}); err != nil {
				t.Fatal(err)
			}
			if tr := recv(t, tracks, "track event"); tr != (trackEvent{"mic2", "cam", from.id, `["second"]`}) {
				t.Errorf("track event %+v", tr)
			}
			mic3 := sampleTrack(t, "mic3", "cam")
			// A nil stream: the track in whatever stream it is sent (0.25's JS
			// replaceTrack and removeTrack name no stream).
			if err := from.room.ReplaceTrack(ctx, mic2, mic3, nil, nil, "third"); err != nil {
				t.Fatal(err)
			}
			if tr := recv(t, tracks, "replaced track event"); tr != (trackEvent{"mic2", "cam", from.id, `"third"`}) {
				t.Errorf("replaced track event %+v", tr)
			}
			if err := from.room.RemoveTrack(ctx, mic3, nil, nil); err != nil {
				t.Errorf("RemoveTrack of the replacement: %v", err)
			}
			if err := from.room.RemoveTrack(ctx, mic3, nil, nil); !errors.Is(err, peer.ErrTrackNotAdded) {
				t.Errorf("RemoveTrack again = %v, want ErrTrackNotAdded", err)
			}
			if _, err := from.room.Ping(ctx, to.id); err != nil {
				t.Fatal(err)
			}
			select {
			case e := <-tracks:
				t.Errorf("unexpected track event %+v", e)
			case e := <-streams:
				t.Errorf("unexpected stream event %+v", e)
			case <-time.After(100 * time.Millisecond):
			}
		})
	}
}

// TestMediaPayload025: the @_stream/@_track messages as the JS receiver
// reads them (protocol-0.25 §10): k is 20 characters of the id alphabet,
// the same for the same stream or track id and different otherwise; m is
// present only when there is metadata (JSON null included).
func TestMediaPayload025(t *testing.T) {
	m, _ := newMember025(t, "", 0)
	v := m.room.v025
	k := v.mediaKey("s", "cam")
	if len(k) != 20 || strings.Trim(k, ids.Alphabet) != "" {
		t.Errorf("key %q", k)
	}
	if v.mediaKey("s", "cam") != k || v.mediaKey("s", "mic") == k || v.mediaKey("t", "cam") == k {
		t.Error("keys not stable per (kind, id) or not distinct")
	}
	for _, tc := range []struct {
		m    v025wire.MediaMeta
		meta any
		want string
	}{
		{v025wire.MediaMeta{Key: k, StreamID: "cam"}, nil, `{"k":"` + k + `","s":"cam"}`},
		{v025wire.MediaMeta{Key: k, StreamID: "cam"}, json.RawMessage("null"), `{"k":"` + k + `","s":"cam","m":null}`},
		{v025wire.MediaMeta{Key: k, StreamID: "cam", TrackID: "mic"}, map[string]int{"n": 1}, `{"k":"` + k + `","s":"cam","t":"mic","m":{"n":1}}`},
		{v025wire.MediaMeta{Key: k, TrackID: "old"}, false, `{"k":"` + k + `","t":"old","m":false}`},
	} {
		b, err := m.room.mediaPayload(tc.m, tc.meta)
		if err != nil || string(b) != tc.want {
			t.Errorf("mediaPayload(%+v, %v) = %s, %v; want %s", tc.m, tc.meta, b, err, tc.want)
		}
	}
	if _, err := m.room.mediaPayload(v025wire.MediaMeta{Key: k}, make(chan int)); err == nil {
		t.Error("unmarshallable metadata accepted")
	}
}
