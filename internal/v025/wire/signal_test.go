package wire

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/posthorn/posthorn/internal/peer"

	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/testutil"
)

// TestCandidateVector decrypts the candidate of 025-nostr-capture.json and
// encodes it again byte for byte.
func TestCandidateVector(t *testing.T) {
	var v struct {
		After []struct {
			Content   json.RawMessage `json:"content"`
			Decrypted string          `json:"decrypted"`
		} `json:"afterOfferFromSmaller"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-nostr-capture.json"), &v); err != nil {
		t.Fatal(err)
	}
	m, err := Parse(v.After[1].Content)
	if err != nil || m.Kind != KindCandidate {
		t.Fatalf("Parse = %+v, %v", m, err)
	}
	text, err := crypt.NewGCM("", "test-app", "room-1").Decrypt(m.Cipher)
	if err != nil || text != v.After[1].Decrypted {
		t.Fatalf("decrypted %q, %v", text, err)
	}
	c, err := ParseCandidate(text)
	if err != nil || c.Candidate != "candidate:1 1 udp 2122260223 192.0.2.21 5000 typ host" || *c.SDPMid != "0" || *c.SDPMLineIndex != 0 || *c.UsernameFragment != "uf21" {
		t.Fatalf("ParseCandidate = %+v, %v", c, err)
	}
	if got := EncodeCandidate(c); got != text {
		t.Fatalf("EncodeCandidate = %s\nwant            %s", got, text)
	}
	if got := EncodeCandidate(peer.ICECandidateInit{Candidate: "c"}); got != `{"candidate":"c","sdpMid":null,"sdpMLineIndex":null,"usernameFragment":null}` {
		t.Errorf("nulls: %s", got)
	}
}

// TestSignalVector checks the @_signal payload captured in
// 025-room-framing.json.
func TestSignalVector(t *testing.T) {
	var v map[string][]struct {
		PayloadText string `json:"payloadText"`
	}
	b := testutil.Vector(t, "025-room-framing.json")
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]json.RawMessage{"s": all["signal forwarded over datachannel"]})
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	text := v["s"][0].PayloadText
	s, err := ParseSignal([]byte(text))
	if err != nil || s.Type != SignalOffer || s.SDP != "v=0\r\n" {
		t.Fatalf("ParseSignal = %+v, %v", s, err)
	}
	if got := string(s.Marshal()); got != text {
		t.Fatalf("Marshal = %s, want %s", got, text)
	}
}

func TestSignalErrors(t *testing.T) {
	cand := Signal{Type: SignalCandidate, SDP: EncodeCandidate(peer.ICECandidateInit{Candidate: "candidate:1 1 udp 1 192.0.2.1 9 typ host"})}
	if s, err := ParseSignal(cand.Marshal()); err != nil || s != cand {
		t.Fatalf("candidate signal: %+v, %v", s, err)
	}
	for _, in := range []string{
		``, `null`, `{}`, `{"type":"offer"}`, `{"sdp":"x"}`, `{"type":"pranswer","sdp":"x"}`,
		`{"type":"renegotiate","sdp":"x"}`, `{"type":"offer","sdp":{"x":1}}`, `{"type":"candidate","sdp":"x"}`,
		`{"type":"candidate","sdp":"{\"sdpMid\":\"0\"}"}`, `{"type":"candidate","sdp":"{\"candidate\":null}"}`,
	} {
		if s, err := ParseSignal([]byte(in)); !errors.Is(err, ErrMessage) {
			t.Errorf("ParseSignal(%s) = %+v, %v", in, s, err)
		}
	}
	if _, err := ParseCandidate(`{"candidate":"c","sdpMLineIndex":70000}`); !errors.Is(err, ErrMessage) {
		t.Errorf("sdpMLineIndex beyond uint16: %v", err)
	}
}

func TestMediaMeta(t *testing.T) {
	for _, c := range []struct {
		m    MediaMeta
		want string
	}{
		{MediaMeta{Key: "K", StreamID: "S"}, `{"k":"K","s":"S"}`},
		{MediaMeta{Key: "K", StreamID: "S", TrackID: "T", Meta: json.RawMessage(`{"a":"<b>"}`)}, `{"k":"K","s":"S","t":"T","m":{"a":"<b>"}}`},
		{MediaMeta{Key: "K", TrackID: "old", Meta: json.RawMessage(`null`)}, `{"k":"K","t":"old","m":null}`},
	} {
		b, err := c.m.Marshal()
		if err != nil || string(b) != c.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", c.m, b, err, c.want)
		}
		back, err := ParseMediaMeta(b)
		if err != nil || back.Key != c.m.Key || back.StreamID != c.m.StreamID || back.TrackID != c.m.TrackID || string(back.Meta) != string(c.m.Meta) {
			t.Errorf("ParseMediaMeta(%s) = %+v, %v", b, back, err)
		}
	}
	if m, err := ParseMediaMeta([]byte(`{"k":"K","s":7,"t":null}`)); err != nil || m.StreamID != "" || m.TrackID != "" || m.Meta != nil {
		t.Errorf("non-string s and t: %+v, %v", m, err)
	}
	for _, in := range []string{``, `[]`, `null`, `{}`, `{"k":1}`, `{"s":"S"}`} {
		if _, err := ParseMediaMeta([]byte(in)); !errors.Is(err, ErrMessage) {
			t.Errorf("ParseMediaMeta(%s): %v", in, err)
		}
	}
	if _, err := (MediaMeta{Key: "K", Meta: json.RawMessage(`{`)}).Marshal(); !errors.Is(err, ErrMessage) {
		t.Errorf("bad metadata: %v", err)
	}
	if k := NewMediaKey(); len(k) != MediaKeyLen {
		t.Errorf("NewMediaKey = %q", k)
	}
}

func FuzzParseSignal(f *testing.F) {
	f.Add([]byte(`{"type":"offer","sdp":"v=0\r\n"}`))
	f.Add([]byte(`{"type":"candidate","sdp":"{\"candidate\":\"c\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":null}"}`))
	f.Add([]byte(`{"k":"K","s":"S","m":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := ParseSignal(b); err == nil {
			if back, err := ParseSignal(s.Marshal()); err != nil || back != s {
				t.Fatalf("signal round trip %+v: %+v, %v", s, back, err)
			}
		} else if !errors.Is(err, ErrMessage) {
			t.Fatal(err)
		}
		if m, err := ParseMediaMeta(b); err == nil {
			again, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if back, err := ParseMediaMeta(again); err != nil || back.Key != m.Key || back.StreamID != m.StreamID || back.TrackID != m.TrackID {
				t.Fatalf("media round trip %+v: %+v, %v", m, back, err)
			}
		} else if !errors.Is(err, ErrMessage) {
			t.Fatal(err)
		}
	})
}
