package peer

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// Byte-exact shapes from protocol-0.18 §4.3 and vectors/018-firebase-capture.json.
func TestSignalMarshalMatchesJS(t *testing.T) {
	sdp := "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=ice-options:trickle\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host\r\n"
	tests := []struct {
		name string
		sig  Signal
		want string
	}{
		{"offer", Signal{Type: "offer", SDP: sdp},
			`{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=ice-options:trickle\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host\r\n"}`},
		{"candidate", Signal{Type: "candidate", Candidate: &ICECandidateInit{
			Candidate: "candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host", SDPMid: ptr("0"), SDPMLineIndex: ptr(uint16(0))}},
			`{"type":"candidate","candidate":{"candidate":"candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host","sdpMLineIndex":0,"sdpMid":"0"}}`},
		{"candidate nulls", Signal{Type: "candidate", Candidate: &ICECandidateInit{Candidate: "c"}},
			`{"type":"candidate","candidate":{"candidate":"c","sdpMLineIndex":null,"sdpMid":null}}`},
		{"renegotiate", Signal{Type: "renegotiate", Renegotiate: true}, `{"type":"renegotiate","renegotiate":true}`},
		{"transceiverRequest", Signal{Type: "transceiverRequest", TransceiverRequest: &TransceiverRequest{Kind: "audio"}},
			`{"type":"transceiverRequest","transceiverRequest":{"kind":"audio"}}`},
		{"no html escaping", Signal{Type: "offer", SDP: "a=<&>"}, `{"type":"offer","sdp":"a=<&>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sig.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			back, err := ParseSignal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tt.sig) {
				t.Fatalf("round trip: got %+v want %+v", back, tt.sig)
			}
		})
	}
}

func TestParseSignal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Signal
		wantErr bool
	}{
		{"answer", `{"type":"answer","sdp":"x"}`, Signal{Type: "answer", SDP: "x"}, false},
		{"json string holding the object", `"{\"type\":\"offer\",\"sdp\":\"x\"}"`, Signal{Type: "offer", SDP: "x"}, false},
		{"truthy renegotiate number", `{"type":"renegotiate","renegotiate":1}`, Signal{Type: "renegotiate", Renegotiate: true}, false},
		{"unknown members ignored", `{"type":"offer","sdp":"x","foo":[1,2]}`, Signal{Type: "offer", SDP: "x"}, false},
		{"sdp plus renegotiate", `{"sdp":"x","renegotiate":true}`, Signal{SDP: "x", Renegotiate: true}, false},
		{"candidate without mid", `{"candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host"}}`,
			Signal{Candidate: &ICECandidateInit{Candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host"}}, false},
		{"empty object", `{}`, Signal{}, true},
		{"only type", `{"type":"offer"}`, Signal{}, true},
		{"empty sdp is falsy", `{"type":"offer","sdp":""}`, Signal{}, true},
		{"renegotiate false", `{"type":"renegotiate","renegotiate":false}`, Signal{}, true},
		{"renegotiate zero", `{"renegotiate":0}`, Signal{}, true},
		{"sdp not a string", `{"type":"offer","sdp":5}`, Signal{}, true},
		{"candidate string", `{"candidate":"candidate:1"}`, Signal{}, true},
		{"candidate without candidate", `{"candidate":{"sdpMid":"0"}}`, Signal{}, true},
		{"transceiverRequest without kind", `{"transceiverRequest":{}}`, Signal{}, true},
		{"not json", `offer`, Signal{}, true},
		{"array", `[1]`, Signal{}, true},
		{"doubly quoted", `"\"{}\""`, Signal{}, true},
		{"null", `null`, Signal{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSignal([]byte(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidSignal) {
					t.Fatalf("err = %v, want ErrInvalidSignal", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v want %+v", got, tt.want)
			}
			var viaJSON Signal
			if err := json.Unmarshal([]byte(tt.in), &viaJSON); err != nil || !reflect.DeepEqual(viaJSON, tt.want) {
				t.Fatalf("json.Unmarshal: %+v, %v", viaJSON, err)
			}
		})
	}
}

func TestTruthy(t *testing.T) {
	tests := map[string]bool{
		``: false, `null`: false, `false`: false, `0`: false, `-0`: false, `0.0`: false, `""`: false,
		`true`: true, `1`: true, `-2.5`: true, `"x"`: true, `{}`: true, `[]`: true,
	}
	for in, want := range tests {
		if got := truthy(json.RawMessage(in)); got != want {
			t.Errorf("truthy(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzParseSignal(f *testing.F) {
	for _, s := range []string{
		`{"type":"offer","sdp":"v=0\r\n"}`,
		`{"type":"candidate","candidate":{"candidate":"candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host","sdpMLineIndex":0,"sdpMid":"0"}}`,
		`{"type":"renegotiate","renegotiate":true}`,
		`{"type":"transceiverRequest","transceiverRequest":{"kind":"audio"}}`,
		`"{\"type\":\"answer\",\"sdp\":\"x\"}"`,
		`{}`, `[]`, `null`, `{"sdp":1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSignal(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidSignal) {
				t.Fatalf("error does not wrap ErrInvalidSignal: %v", err)
			}
			return
		}
		if !s.valid() {
			t.Fatalf("accepted a signal simple-peer would reject: %+v", s)
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseSignal(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(normalize(back), normalize(s)) {
			t.Fatalf("round trip changed the signal:\n%+v\n%+v", s, back)
		}
	})
}

// normalize drops what the JS wire shape does not carry (usernameFragment).
func normalize(s Signal) Signal {
	if s.Candidate != nil {
		c := *s.Candidate
		c.UsernameFragment = nil
		s.Candidate = &c
	}
	return s
}
