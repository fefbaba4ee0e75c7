//go:build js && wasm

package jsapi

import (
	"strings"
	"testing"

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
