//go:build js && wasm

package jsapi

import (
	"context"
	"math"
	"syscall/js"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/socket"
)

// Suffix025 follows the strategy name of the registry entry that holds a
// strategy's Trystero 0.25 module (globalThis.__posthorn["mqtt@0.25"]).
const Suffix025 = "@0.25"

// export025 builds the module object of @trystero-p2p/<m.name> at 0.25:
// {joinRoom, selfId, getRelaySockets, defaultRelayUrls}, plus
// pauseRelayReconnection and resumeRelayReconnection if relayPause, whose
// rooms speak Protocol025 and have 0.25's API shape (room025.go,
// action025.go).
func export025(m *module, defaultRelayURLs []string, relayPause bool) js.Value {
	obj := jsObject.New()
	urls := jsArray.New()
	for _, u := range defaultRelayURLs {
		urls.Call("push", u)
	}
	obj.Set("defaultRelayUrls", urls)
	obj.Set("joinRoom", wrapThrowing(funcOf(m.joinRoom025)))
	obj.Set("selfId", m.s.SelfID())
	obj.Set("getRelaySockets", js.FuncOf(func(js.Value, []js.Value) any {
		return relaySockets(m.s.RelaySockets())
	}))
	if relayPause {
		m.relayPause = true
		// The pause covers every relay socket of this wasm instance, the
		// 0.18 module's too; @trystero-p2p/core's covers every strategy of
		// the page (one core), posthorn's each strategy's own wasm.
		obj.Set("pauseRelayReconnection", js.FuncOf(func(js.Value, []js.Value) any {
			socket.PauseReconnection()
			return nil
		}))
		obj.Set("resumeRelayReconnection", js.FuncOf(func(js.Value, []js.Value) any {
			socket.ResumeReconnection()
			return nil
		}))
	}
	m.closeOnPageHide()
	return obj
}

// roomKey is the 0.25 room cache's key: 0.25 keeps one room per (appId,
// roomId) and hands it out again while it is joined.
func roomKey(appID, roomID string) string { return appID + "\x00" + roomID }

// joinRoom025 is 0.25's joinRoom(config, roomId, callbacks): the checks and
// texts of @trystero-p2p/core's strategy.ts in its order (config, the
// callbacks' type, appId, roomId), then the cached room of (appId, roomId)
// if it is still joined. config.relayConfig.{urls, redundancy} choose the
// relays; callbacks.onJoinError receives {error, appId, roomId, peerId}.
func (m *module) joinRoom025(_ js.Value, args []js.Value) (any, error) {
	cfgArg, idArg, cbArg := arg(args, 0), arg(args, 1), arg(args, 2)
	if !cfgArg.Truthy() {
		return nil, errNoConfig
	}
	if cbArg.Truthy() && cbArg.Type() != js.TypeObject {
		return nil, errCallbacks025
	}
	cfg, err := convertConfig(cfgArg, m.name)
	if err != nil {
		return nil, err
	}
	roomID := ""
	if idArg.Truthy() {
		roomID = jsString.Invoke(idArg).String()
	}
	if roomID == "" {
		return nil, errNoRoomID025
	}
	if cbArg.Truthy() {
		if err := checkCallbacks025(cbArg, &cfg); err != nil {
			return nil, err
		}
	}
	cfg.Passive = cfgArg.Get("passive").Truthy()
	relayConfig025(cfgArg, &cfg)
	cfg.Protocol = posthorn.Protocol025

	key := roomKey(cfg.AppID, roomID)
	m.mu.Lock()
	defer m.mu.Unlock()
	if jr := m.rooms[key]; jr != nil {
		return jr.obj, nil
	}
	m.watchOnline(cfgArg)
	jr := newRoom025(m, key, cfg.Passive)
	m.rooms[key] = jr
	prev := m.leaving[key]
	go func() {
		if prev != nil {
			<-prev
		}
		r, err := m.s.JoinRoom(engine.NoWait(context.Background()), cfg, roomID)
		if err != nil {
			js.Global().Get("console").Call("error", "posthorn: joinRoom: "+errorText(err))
		}
		jr.bind(r, err)
	}()
	return jr.obj, nil
}

// checkCallbacks025 reads joinRoom's third argument. onPeerHandshake
// (custom handshakes) is refused rather than ignored: posthorn does not run
// them yet, and a room that skipped the app's check would be worse than
// none.
func checkCallbacks025(cb js.Value, cfg *posthorn.Config) error {
	if cb.Get("onPeerHandshake").Truthy() {
		return errHandshake025
	}
	cfg.HandshakeTimeout = 0
	timeoutMs := "10000" // Trystero's default, as handshake.Timeout
	if v := cb.Get("handshakeTimeoutMs"); !v.IsUndefined() {
		if v.Type() != js.TypeNumber || !(v.Float() > 0) || v.Float() > 1e300 {
			return errHandshakeTimeout025
		}
		cfg.HandshakeTimeout = msDuration(v.Float())
		timeoutMs = jsString.Invoke(v).String()
	}
	cfg.OnJoinError = nil
	if f := cb.Get("onJoinError"); f.Type() == js.TypeFunction {
		cfg.OnJoinError = func(e *posthorn.JoinError) { call(f, joinErrorValue(e, timeoutMs)) }
	}
	return nil
}

// msDuration is a positive number of milliseconds as a Duration, the
// longest one for more than it can hold.
func msDuration(ms float64) time.Duration {
	ns := ms * float64(time.Millisecond)
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(ns)
}

// relayConfig025 takes the relays from 0.25's config.relayConfig instead of
// 0.18's top-level relayUrls and relayRedundancy, which 0.25 ignores.
func relayConfig025(c js.Value, cfg *posthorn.Config) {
	cfg.RelayURLs, cfg.RelayRedundancy = nil, 0
	rc := option(c, "relayConfig")
	if rc.Type() != js.TypeObject {
		return
	}
	if v := option(rc, "urls"); v.Truthy() && jsArray.Call("isArray", v).Bool() {
		for i := range v.Length() {
			cfg.RelayURLs = append(cfg.RelayURLs, jsString.Invoke(v.Index(i)).String())
		}
	}
	if v := option(rc, "redundancy"); v.Type() == js.TypeNumber {
		cfg.RelayRedundancy = v.Int()
	}
}
