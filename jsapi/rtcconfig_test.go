package jsapi

import (
	"errors"
	"reflect"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/peer"
)

func TestParseRTCConfig(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *posthorn.RTCConfiguration
	}{
		{"empty object", `{}`, &posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{}}},
		{"no servers", `{"iceServers":[]}`, &posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{}}},
		{"url string", `{"iceServers":[{"urls":"stun:127.0.0.1:3478"}]}`,
			&posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{{URLs: []string{"stun:127.0.0.1:3478"}}}}},
		{"turn with credentials", `{"iceServers":[{"urls":["turn:127.0.0.1:3478","turns:127.0.0.1:5349"],"username":"u","credential":"p"}],"iceTransportPolicy":"relay"}`,
			&posthorn.RTCConfiguration{
				ICEServers:         []posthorn.ICEServer{{URLs: []string{"turn:127.0.0.1:3478", "turns:127.0.0.1:5349"}, Username: "u", Credential: "p"}},
				ICETransportPolicy: peer.ICETransportPolicyRelay,
			}},
		{"policies and unknown members", `{"bundlePolicy":"max-bundle","rtcpMuxPolicy":"require","iceCandidatePoolSize":2,"certificates":[],"peerIdentity":"x"}`,
			&posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{}, BundlePolicy: peer.BundlePolicyMaxBundle,
				RTCPMuxPolicy: peer.RTCPMuxPolicyRequire, ICECandidatePoolSize: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRTCConfig([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseRTCConfigErrors(t *testing.T) {
	for _, in := range []string{
		`[]`,
		`{"iceServers":{}}`,
		`{"iceServers":[{"urls":""}]}`,
		`{"iceServers":[{"urls":[]}]}`,
		`{"iceServers":[{"urls":42}]}`,
		`{"iceServers":[{}]}`,
		`not json`,
	} {
		if _, err := ParseRTCConfig([]byte(in)); !errors.Is(err, ErrRTCConfig) {
			t.Errorf("%s: err = %v, want ErrRTCConfig", in, err)
		}
	}
}

// FuzzParseRTCConfig: any bytes give a configuration or ErrRTCConfig, never
// a panic, and every server of an accepted configuration has a URL.
func FuzzParseRTCConfig(f *testing.F) {
	f.Add([]byte(`{"iceServers":[{"urls":"stun:127.0.0.1:3478"}]}`))
	f.Add([]byte(`{"iceServers":[{"urls":["turn:127.0.0.1:3478"],"username":"u","credential":"c"}],"iceTransportPolicy":"relay"}`))
	f.Add([]byte(`{"iceServers":[{"urls":42}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseRTCConfig(b)
		if err != nil {
			if !errors.Is(err, ErrRTCConfig) {
				t.Fatalf("error %v is not ErrRTCConfig", err)
			}
			return
		}
		for _, s := range c.ICEServers {
			if len(s.URLs) == 0 {
				t.Fatalf("accepted a server without URLs: %s", b)
			}
		}
	})
}
