package jsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/jsonobj"
	"github.com/posthorn/posthorn/internal/peer"
)

// ErrRTCConfig reports an rtcConfig that is not a usable RTCConfiguration.
var ErrRTCConfig = errors.New("jsapi: invalid rtcConfig")

// ParseRTCConfig converts the JSON text of a JS RTCConfiguration (the
// rtcConfig of joinRoom's config) to a posthorn.RTCConfiguration. Members it does
// not know (certificates, peerIdentity) are ignored. An empty iceServers
// list gives a configuration without ICE servers, which is not the same as
// no rtcConfig (nil: simple-peer's default STUN servers).
//
// It reads the text as json.Unmarshal into a struct would, but through
// internal/jsonobj: encoding/json's first use of a struct type costs
// milliseconds in the wasm build, on the join's path.
func ParseRTCConfig(text []byte) (*posthorn.RTCConfiguration, error) {
	cfg, err := parseRTCConfig(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRTCConfig, err)
	}
	return cfg, nil
}

func parseRTCConfig(text []byte) (*posthorn.RTCConfiguration, error) {
	cfg := &posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{}}
	var servers []json.RawMessage
	var ice *peer.ICETransportPolicy
	var bundle *peer.BundlePolicy
	var mux *peer.RTCPMuxPolicy
	err := jsonobj.Members(text, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "iceServers"):
			servers = nil
			if jsonobj.IsNull(v) {
				return nil
			}
			if v[0] != '[' {
				return errors.New("iceServers is not an array")
			}
			return jsonobj.Elements(v, func(e json.RawMessage) error {
				servers = append(servers, e)
				return nil
			})
		case strings.EqualFold(name, "iceTransportPolicy"):
			return policy(v, &ice)
		case strings.EqualFold(name, "bundlePolicy"):
			return policy(v, &bundle)
		case strings.EqualFold(name, "rtcpMuxPolicy"):
			return policy(v, &mux)
		case strings.EqualFold(name, "iceCandidatePoolSize"):
			if jsonobj.IsNull(v) {
				return nil
			}
			return json.Unmarshal(v, &cfg.ICECandidatePoolSize)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, raw := range servers {
		srv, err := parseICEServer(raw)
		if err != nil {
			return nil, fmt.Errorf("iceServers[%d]: %w", i, err)
		}
		cfg.ICEServers = append(cfg.ICEServers, srv)
	}
	if ice != nil {
		cfg.ICETransportPolicy = *ice
	}
	if bundle != nil {
		cfg.BundlePolicy = *bundle
	}
	if mux != nil {
		cfg.RTCPMuxPolicy = *mux
	}
	return cfg, nil
}

// parseICEServer reads one RTCIceServer: null or an object with urls.
func parseICEServer(raw json.RawMessage) (posthorn.ICEServer, error) {
	var srv posthorn.ICEServer
	var urls json.RawMessage
	var cred string
	err := jsonobj.Object(raw, func(name string, v json.RawMessage) error {
		switch {
		case strings.EqualFold(name, "urls"):
			urls = v
		case strings.EqualFold(name, "username"):
			return jsonobj.String(v, &srv.Username)
		case strings.EqualFold(name, "credential"):
			return jsonobj.String(v, &cred)
		}
		return nil
	})
	if err != nil {
		return srv, err
	}
	if srv.URLs, err = parseURLs(urls); err != nil {
		return srv, fmt.Errorf("urls: %w", err)
	}
	if cred != "" {
		srv.Credential = cred // an interface natively: left nil without one
	}
	return srv, nil
}

// policy reads a policy member into a fresh value; null clears it.
func policy[T any](v json.RawMessage, dst **T) error {
	*dst = nil
	if jsonobj.IsNull(v) {
		return nil
	}
	p := new(T)
	if err := json.Unmarshal(v, p); err != nil {
		return err
	}
	*dst = p
	return nil
}

// parseURLs reads RTCIceServer.urls: one URL string or a non-empty list.
func parseURLs(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		if one == "" {
			return nil, errors.New("empty URL")
		}
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("want a string or an array of strings")
	}
	if len(many) == 0 {
		return nil, errors.New("empty list")
	}
	return many, nil
}
