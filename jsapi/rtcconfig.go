package jsapi

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/peer"
)

// ErrRTCConfig reports an rtcConfig that is not a usable RTCConfiguration.
var ErrRTCConfig = errors.New("jsapi: invalid rtcConfig")

// rtcConfigJSON is the part of a W3C RTCConfiguration that posthorn passes
// on, as JSON.stringify writes it. urls may be a string or an array of
// strings (WebRTC 1.0, RTCIceServer.urls).
type rtcConfigJSON struct {
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

// ParseRTCConfig converts the JSON text of a JS RTCConfiguration (the
// rtcConfig of joinRoom's config) to a posthorn.RTCConfiguration. Members it does
// not know (certificates, peerIdentity) are ignored. An empty iceServers
// list gives a configuration without ICE servers, which is not the same as
// no rtcConfig (nil: simple-peer's default STUN servers).
func ParseRTCConfig(text []byte) (*posthorn.RTCConfiguration, error) {
	var in rtcConfigJSON
	if err := json.Unmarshal(text, &in); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRTCConfig, err)
	}
	cfg := &posthorn.RTCConfiguration{ICEServers: []posthorn.ICEServer{}, ICECandidatePoolSize: in.ICECandidatePoolSize}
	for i, s := range in.ICEServers {
		urls, err := parseURLs(s.URLs)
		if err != nil {
			return nil, fmt.Errorf("%w: iceServers[%d].urls: %v", ErrRTCConfig, i, err)
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
