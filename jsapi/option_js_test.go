//go:build js && wasm

package jsapi

import (
	"context"
	"fmt"
	"math"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/v025/handshake"
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

// onJoinError gets Trystero 0.25's texts for the session handshake's
// failures, with the room's handshakeTimeoutMs as JS writes it.
func TestJoinErrorText025(t *testing.T) {
	for _, tt := range []struct {
		callbacks string
		err       error
		want      string
	}{
		{`{}`, fmt.Errorf("%w within 10s: %w", posthorn.ErrHandshake, context.DeadlineExceeded),
			"handshake timed out after 10000ms"},
		{`{handshakeTimeoutMs: 2500.5}`, fmt.Errorf("%w: %w", posthorn.ErrHandshake, context.DeadlineExceeded),
			"handshake timed out after 2500.5ms"},
		{`{}`, fmt.Errorf("%w: %w", posthorn.ErrWrongPassword, handshake.ErrPassword),
			"incorrect password for overlapping room"},
		{`{}`, fmt.Errorf("%w when decrypting answer", posthorn.ErrWrongPassword),
			"incorrect room password when decrypting answer"},
		{`{}`, fmt.Errorf("%w: the connection closed first", posthorn.ErrHandshake),
			"peer did not complete the session handshake: the connection closed first"},
	} {
		var got []string
		f := js.FuncOf(func(_ js.Value, args []js.Value) any {
			got = append(got, args[0].Get("error").String())
			return nil
		})
		cb := eval(`(` + tt.callbacks + `)`)
		cb.Set("onJoinError", f)
		var cfg posthorn.Config
		if err := checkCallbacks025(cb, &cfg); err != nil {
			t.Fatal(err)
		}
		cfg.OnJoinError(&posthorn.JoinError{AppID: "a", RoomID: "r", PeerID: "p", Err: tt.err})
		f.Release()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%v: onJoinError got %q, want %q", tt.err, got, tt.want)
		}
	}
}
