//go:build js && wasm

package jsapi

import (
	"syscall/js"

	"github.com/posthorn/posthorn"
)

// convertConfig reads joinRoom's config object (seed README, "API"):
// appId, password, rtcConfig, relayUrls, relayRedundancy, Trystero 0.25's
// onJoinError, and the strategy's own options. The BitTorrent strategy
// rejects the pre-0.16 option names; firebase reads rootPath and firebaseApp
// (firebaseConfig), ipfs the bootstrap peers of libp2pConfig (ipfsConfig).
func convertConfig(c js.Value, strategy string) (posthorn.Config, error) {
	var cfg posthorn.Config
	if !c.Truthy() || (c.Type() != js.TypeObject && c.Type() != js.TypeFunction) {
		return cfg, errNoConfig
	}
	if strategy == "torrent" && (option(c, "trackerUrls").Truthy() || option(c, "trackerRedundancy").Truthy()) {
		return cfg, errTrackerOptions
	}
	if v := option(c, "appId"); v.Truthy() {
		cfg.AppID = jsString.Invoke(v).String()
	}
	if strategy == "firebase" {
		firebaseConfig(c, &cfg)
	}
	if strategy == "ipfs" {
		ipfsConfig(c, &cfg)
	}
	if cfg.AppID == "" {
		return cfg, posthorn.ErrNoAppID
	}
	if v := option(c, "password"); v.Truthy() {
		cfg.Password = jsString.Invoke(v).String()
	}
	if v := option(c, "rtcConfig"); v.Truthy() {
		rc, err := ParseRTCConfig([]byte(jsJSON.Call("stringify", v).String()))
		if err != nil {
			return cfg, err
		}
		cfg.RTCConfig = rc
	}
	if v := option(c, "relayUrls"); v.Truthy() && jsArray.Call("isArray", v).Bool() {
		for i := range v.Length() {
			cfg.RelayURLs = append(cfg.RelayURLs, jsString.Invoke(v.Index(i)).String())
		}
	}
	if v := option(c, "relayRedundancy"); v.Type() == js.TypeNumber {
		cfg.RelayRedundancy = v.Int()
	}
	if f := option(c, "onJoinError"); f.Type() == js.TypeFunction {
		cfg.OnJoinError = func(e *posthorn.JoinError) { call(f, joinErrorValue(e, "")) }
	}
	return cfg, nil
}

// joinErrorValue is what Trystero 0.25 passes to config.onJoinError:
// {error, appId, roomId, peerId}, error being its message text
// (joinErrorText; timeoutMs is unused in 0.18 rooms, which have no
// handshake).
func joinErrorValue(e *posthorn.JoinError, timeoutMs string) js.Value {
	o := jsObject.New()
	o.Set("error", joinErrorText(e, timeoutMs))
	o.Set("appId", e.AppID)
	o.Set("roomId", e.RoomID)
	o.Set("peerId", e.PeerID)
	return o
}
