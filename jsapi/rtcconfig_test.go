package jsapi

import (
	"encoding/json"
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
	f.Add([]byte(`{"ICESERVERS":[null],"iceServers":[{"URLS":["a"],"urls":null,"Urls":[null],"username":"u","username":null}],"bundlePolicy":"max-bundle","bundlePolicy":null}`))
	f.Add([]byte(`{"iceCandidatePoolSize":256,"rtcpMuxPolicy":"require","x":{"iceServers":1}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseRTCConfig(b)
		want, wantErr := parseRTCConfigReflect(b)
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(c, want)) {
			t.Fatalf("%s: got %+v, %v; encoding/json into a struct gives %+v, %v", b, c, err, want, wantErr)
		}
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

// parseRTCConfigReflect is what ParseRTCConfig did with json.Unmarshal into
// a struct: the reference FuzzParseRTCConfig checks it against.
func parseRTCConfigReflect(text []byte) (*posthorn.RTCConfiguration, error) {
	var in struct {
		ICEServers []struct {
			URLs       json.RawMessage `json:"urls"`
			Username   string          `json:"username"`
			Credential string          `json:"credential"`
		} `json:"iceServers"`
		ICETransportPolicy   *peer.ICETransportPolicy `json:"iceTransportPolicy"`
		BundlePolicy         *peer.BundlePolicy       `json:"bundlePolicy"`
		RTCPMuxPolicy        *peer.RTCPMuxPolicy      `json:"rtcpMuxPolicy"`
		ICECandidatePoolSize uint8                    `json:"iceCandidatePoolSize"`
	}
	if err := json.Unmarshal(text, &in); err != nil {
		return nil, err
	}
	cfg := &posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{}, ICECandidatePoolSize: in.ICECandidatePoolSize}
	for _, s := range in.ICEServers {
		urls, err := parseURLs(s.URLs)
		if err != nil {
			return nil, err
		}
		srv := posthorn.ICEServer{URLs: urls, Username: s.Username}
		if s.Credential != "" {
			srv.Credential = s.Credential
		}
		cfg.ICEServers = append(cfg.ICEServers, srv)
	}
	if in.ICETransportPolicy != nil {
		cfg.ICETransportPolicy = *in.ICETransportPolicy
	}
	if in.BundlePolicy != nil {
		cfg.BundlePolicy = *in.BundlePolicy
	}
	if in.RTCPMuxPolicy != nil {
		cfg.RTCPMuxPolicy = *in.RTCPMuxPolicy
	}
	return cfg, nil
}
