package engine

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/testutil"
)

// capture holds the parts of the 0.18 nostr capture these tests use.
type capture struct {
	SelfID          string             `json:"selfId"`
	OfferEvent      [2]json.RawMessage `json:"offerEvent"`
	AnswerEvent     [2]json.RawMessage `json:"answerEvent"`
	InitialMessages []json.RawMessage  `json:"initialMessages"`
}

type captureEvent struct {
	Content string     `json:"content"`
	Tags    [][]string `json:"tags"`
}

func loadCapture(t *testing.T) capture {
	t.Helper()
	b := testutil.Vector(t, "018-nostr-capture.json")
	var c capture
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMessageEncodeMatchesCapture(t *testing.T) {
	c := loadCapture(t)
	for _, tc := range []struct {
		name string
		raw  json.RawMessage
	}{{"offer", c.OfferEvent[1]}, {"answer", c.AnswerEvent[1]}} {
		t.Run(tc.name, func(t *testing.T) {
			var ev captureEvent
			if err := json.Unmarshal(tc.raw, &ev); err != nil {
				t.Fatal(err)
			}
			m, err := parseMessage([]byte(ev.Content))
			if err != nil {
				t.Fatal(err)
			}
			if m.PeerID != c.SelfID {
				t.Fatalf("peerId %q, want %q", m.PeerID, c.SelfID)
			}
			if got := m.encode(); string(got) != ev.Content {
				t.Fatalf("re-encoded\n%s\nwant\n%s", got, ev.Content)
			}
		})
	}
}

func TestRootAndPeerTopicsMatchCapture(t *testing.T) {
	c := loadCapture(t)
	var offer captureEvent
	if err := json.Unmarshal(c.OfferEvent[1], &offer); err != nil {
		t.Fatal(err)
	}
	if got, want := PeerTopic("test-app", "room-1", "REMOTEPEER0000000001"), offer.Tags[0][1]; got != want {
		t.Fatalf("PeerTopic = %q, want %q", got, want)
	}
	if got := RootTopic("test-app", "room-1"); got != "trystero/test-app/room-1" {
		t.Fatalf("RootTopic = %q", got)
	}
	var ann []json.RawMessage
	if err := json.Unmarshal(c.InitialMessages[2], &ann); err != nil {
		t.Fatal(err)
	}
	var ev captureEvent
	if err := json.Unmarshal(ann[1], &ev); err != nil {
		t.Fatal(err)
	}
	if got := string(JSONID.EncodeID(c.SelfID)); got != ev.Content {
		t.Fatalf("JSONID announcement %q, want %q", got, ev.Content)
	}
	if id, err := JSONID.DecodeID([]byte(ev.Content)); err != nil || id != c.SelfID {
		t.Fatalf("JSONID.DecodeID = %q, %v", id, err)
	}
}

func TestMessageEncodeIsJSONStringify(t *testing.T) {
	m := message{PeerID: "abc", Offer: &peer.Signal{Type: "offer", SDP: "a<b>&c\u2028é\n\t\x01"}}
	got := m.encode()
	// What JSON.stringify writes for the same object.
	want := `{"peerId":"abc","offer":{"type":"offer","sdp":"a<b>&c` + "\u2028" + `é\n\t\u0001"}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestParseMessage(t *testing.T) {
	tests := []struct {
		name, in string
		offer    bool // else answer
		wantErr  bool
	}{
		{"offer", `{"peerId":"P1","offer":{"type":"offer","sdp":"v=0"}}`, true, false},
		{"answer", `{"peerId":"P1","answer":{"type":"answer","sdp":"v=0"}}`, false, false},
		{"answer wins over offer like JS", `{"peerId":"P1","offer":{"type":"offer","sdp":"x"},"answer":{"type":"answer","sdp":"v=0"}}`, false, false},
		{"not json", `{"peerId":`, false, true},
		{"array", `[1,2]`, false, true},
		{"string", `"P1"`, false, true},
		{"no peerId", `{"offer":{"type":"offer","sdp":"v=0"}}`, false, true},
		{"numeric peerId", `{"peerId":7,"offer":{"type":"offer","sdp":"v=0"}}`, false, true},
		{"slash in peerId", `{"peerId":"a/b","offer":{"type":"offer","sdp":"v=0"}}`, false, true},
		{"neither", `{"peerId":"P1"}`, false, true},
		{"null offer", `{"peerId":"P1","offer":null}`, false, true},
		{"offer typed answer", `{"peerId":"P1","offer":{"type":"answer","sdp":"v=0"}}`, false, true},
		{"offer without sdp", `{"peerId":"P1","offer":{"type":"offer"}}`, false, true},
		{"offer sdp not string", `{"peerId":"P1","offer":{"type":"offer","sdp":5}}`, false, true},
		{"offer not object", `{"peerId":"P1","offer":"v=0"}`, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseMessage([]byte(tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrPayload) {
					t.Fatalf("err = %v, want ErrPayload", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.offer != (m.Offer != nil) || tc.offer == (m.Answer != nil) {
				t.Fatalf("parsed %+v", m)
			}
		})
	}
}

func TestCodecs(t *testing.T) {
	tests := []struct {
		name    string
		c       Codec
		in      string
		want    string
		wantErr bool
	}{
		{"raw", RawID, "GW8x2NijagYFduwG9Q6C", "GW8x2NijagYFduwG9Q6C", false},
		{"raw empty", RawID, "", "", true},
		{"raw slash", RawID, "a/b", "", true},
		{"raw plus", RawID, "a+b", "", true},
		{"raw json-quoted", RawID, `"abc"`, `"abc"`, false}, // quotes are printable; JS would offer to it too
		{"json", JSONID, `"GW8x2NijagYFduwG9Q6C"`, "GW8x2NijagYFduwG9Q6C", false},
		{"json unquoted", JSONID, `GW8x2NijagYFduwG9Q6C`, "", true},
		{"json object", JSONID, `{"peerId":"x"}`, "", true},
		{"json too long", JSONID, `"` + string(make([]byte, 65)) + `"`, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.c.DecodeID([]byte(tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrPayload) {
					t.Fatalf("err = %v, want ErrPayload", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("DecodeID = %q, %v; want %q", got, err, tc.want)
			}
			if back := string(tc.c.EncodeID(got)); back != tc.in {
				t.Fatalf("EncodeID = %q, want %q", back, tc.in)
			}
		})
	}
}

// FuzzEncodeMessage checks the hand-written encoder against encoding/json
// (through jsjson) on the struct.
func FuzzEncodeMessage(f *testing.F) {
	f.Add("GW8x2NijagYFduwG9Q6C", true, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n")
	f.Add("\u2028<>&\x00\xff", false, "")
	f.Fuzz(func(t *testing.T, from string, offer bool, sdp string) {
		typ, m := peer.TypeAnswer, message{PeerID: from}
		if offer {
			typ = peer.TypeOffer
			m.Offer = &peer.Signal{Type: typ, SDP: sdp}
		} else {
			m.Answer = &peer.Signal{Type: typ, SDP: sdp}
		}
		testutil.SameAsMarshal(t, "encodeMessage", encodeMessage(from, typ, sdp), m)
	})
}

func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{
		`{"peerId":"P1","offer":{"type":"offer","sdp":"v=0"}}`,
		`{"peerId":"P1","answer":{"type":"answer","sdp":"v=0"}}`,
		`{"peerId":null}`, `[]`, `"x"`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"PEERID":"P1","peerId":"P2","Answer":null,"offer":{"TYPE":"offer","sdp":"x","SDP":null}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseMessage(b)
		want, wantErr := parseMessageReflect(b)
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(m, want)) {
			t.Fatalf("%q: got %+v, %v; with encoding/json into structs %+v, %v", b, m, err, want, wantErr)
		}
		if err != nil {
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("error does not wrap ErrPayload: %v", err)
			}
			return
		}
		if !ValidID(m.PeerID) || (m.Offer == nil) == (m.Answer == nil) {
			t.Fatalf("accepted invalid message %+v", m)
		}
		// Re-encoding gives what encoding/json (through jsjson) gives.
		testutil.SameAsMarshal(t, "encode", m.encode(), m)
	})
}

func FuzzDecodeID(f *testing.F) {
	for _, s := range []string{`"abc"`, `abc`, `"a/b"`, `""`, "\"\\u0000\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range []Codec{RawID, JSONID} {
			id, err := c.DecodeID(b)
			if err == nil && !ValidID(id) {
				t.Fatalf("accepted invalid id %q", id)
			}
			if err != nil && !errors.Is(err, ErrPayload) {
				t.Fatalf("error does not wrap ErrPayload: %v", err)
			}
		}
	})
}

// parseMessageReflect is parseMessage with json.Unmarshal into structs, the
// reference FuzzParseMessage checks it against.
func parseMessageReflect(p []byte) (message, error) {
	var w wireMessage
	if err := json.Unmarshal(p, &w); err != nil {
		return message{}, err
	}
	var m message
	if err := json.Unmarshal(w.PeerID, &m.PeerID); err != nil || !ValidID(m.PeerID) {
		return message{}, errors.New("peerId")
	}
	raw, typ := w.Offer, peer.TypeOffer
	if isPresent(w.Answer) {
		raw, typ = w.Answer, peer.TypeAnswer
	} else if !isPresent(w.Offer) {
		return message{}, errors.New("neither")
	}
	var s struct {
		Type string `json:"type"`
		SDP  string `json:"sdp"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || s.Type != typ || s.SDP == "" {
		return message{}, errors.New("sdp")
	}
	sig := &peer.Signal{Type: s.Type, SDP: s.SDP}
	if typ == peer.TypeOffer {
		m.Offer = sig
	} else {
		m.Answer = sig
	}
	return m, nil
}
