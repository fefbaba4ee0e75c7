//go:build js && wasm

package jsapi

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
)

// A config whose getter throws: convertConfig (and 0.25's relayConfig)
// panic with that js.Error, which joinRoom's funcOf turns into a throw,
// and the Go program keeps running. Value.Get would have stopped it.
func TestConfigGetterThrows(t *testing.T) {
	for _, tt := range []struct{ strategy, field string }{
		{"torrent", "trackerUrls"},
		{"mqtt", "appId"},
		{"mqtt", "password"},
		{"mqtt", "rtcConfig"},
		{"mqtt", "relayUrls"},
		{"mqtt", "relayRedundancy"},
		{"mqtt", "onJoinError"},
		{"firebase", "rootPath"},
		{"firebase", "firebaseApp"},
		{"ipfs", "libp2pConfig"},
	} {
		t.Run(tt.strategy+" "+tt.field, func(t *testing.T) {
			c := eval(`({appId: 'a', get ` + tt.field + `() { throw new Error('evil ` + tt.field + `') }})`)
			_, err := protect(func() (any, error) { return convertConfig(c, tt.strategy) })
			if err == nil || !strings.Contains(err.Error(), "evil "+tt.field) {
				t.Errorf("err = %v, want the getter's error", err)
			}
		})
	}
	t.Run("0.25 relayConfig", func(t *testing.T) {
		var cfg posthorn.Config
		c := eval(`({relayConfig: {get urls() { throw new Error('evil urls') }}})`)
		_, err := protect(func() (any, error) { relayConfig025(c, &cfg); return nil, nil })
		if err == nil || !strings.Contains(err.Error(), "evil urls") {
			t.Errorf("err = %v, want the getter's error", err)
		}
	})
}

// handshakeTimeoutMs becomes Config.HandshakeTimeout; Trystero refuses
// what is not a positive number.
func TestHandshakeTimeoutMs(t *testing.T) {
	for _, tt := range []struct {
		js   string
		want time.Duration
		err  error
	}{
		{`({})`, 0, nil},
		{`({handshakeTimeoutMs: 2500})`, 2500 * time.Millisecond, nil},
		{`({handshakeTimeoutMs: 0.5})`, 500 * time.Microsecond, nil},
		{`({handshakeTimeoutMs: 1e299})`, math.MaxInt64, nil},
		{`({handshakeTimeoutMs: 0})`, 0, errHandshakeTimeout025},
		{`({handshakeTimeoutMs: -1})`, 0, errHandshakeTimeout025},
		{`({handshakeTimeoutMs: NaN})`, 0, errHandshakeTimeout025},
		{`({handshakeTimeoutMs: Infinity})`, 0, errHandshakeTimeout025},
		{`({handshakeTimeoutMs: '100'})`, 0, errHandshakeTimeout025},
	} {
		cfg := posthorn.Config{HandshakeTimeout: time.Minute}
		err := checkCallbacks025(eval(tt.js), &cfg)
		if err != tt.err {
			t.Errorf("%s: err %v, want %v", tt.js, err, tt.err)
		}
		if err == nil && cfg.HandshakeTimeout != tt.want {
			t.Errorf("%s: HandshakeTimeout %v, want %v", tt.js, cfg.HandshakeTimeout, tt.want)
		}
	}
}
