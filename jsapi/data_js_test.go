//go:build js && wasm

package jsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"syscall/js"
	"testing"

	"github.com/posthorn/posthorn"

	"github.com/posthorn/posthorn/transfer"
)

// These tests run under Node: scripts/test-wasm-node.

func eval(expr string) js.Value { return js.Global().Call("eval", "("+expr+")") }

func TestConvertSend(t *testing.T) {
	tests := []struct {
		data, meta string
		want       any // string, []byte, json.RawMessage
		wantMeta   string
		err        error
	}{
		{data: `'Oedipa'`, meta: `undefined`, want: "Oedipa"},
		{data: `''`, meta: `null`, want: ""},
		{data: `3.5`, meta: `undefined`, want: json.RawMessage(`3.5`)},
		{data: `null`, meta: `undefined`, want: json.RawMessage(`null`)},
		{data: `false`, meta: `0`, want: json.RawMessage(`false`)},
		{data: `{drink: 'negroni', withIce: true}`, meta: `''`, want: json.RawMessage(`{"drink":"negroni","withIce":true}`)},
		{data: `[1, undefined, 'x']`, meta: `undefined`, want: json.RawMessage(`[1,null,"x"]`)},
		{data: `new DataView(new ArrayBuffer(3))`, meta: `undefined`, want: json.RawMessage(`{}`)},
		{data: `new Uint8Array([1, 2, 3]).buffer`, meta: `undefined`, want: []byte{1, 2, 3}},
		{data: `new Uint8Array([9, 8, 7, 6]).subarray(1, 3)`, meta: `undefined`, want: []byte{8, 7}},
		// protocol-0.18 §5.3: other TypedArrays go element by element, modulo 256.
		{data: `new Float32Array([1.5, 2, 300])`, meta: `undefined`, want: []byte{1, 2, 44}},
		{data: `new Int16Array([-1, 256, 513])`, meta: `undefined`, want: []byte{255, 0, 1}},
		{data: `new Uint8ClampedArray([7, 255])`, meta: `undefined`, want: []byte{7, 255}},
		{data: `new Uint8Array([4])`, meta: `{name: 'f', n: [1]}`, want: []byte{4}, wantMeta: `{"name":"f","n":[1]}`},
		{data: `new Uint8Array([4])`, meta: `[1, 2]`, want: []byte{4}, wantMeta: `[1,2]`},
		// room.js's checks, in its order (protocol-0.18 §5.7).
		{data: `undefined`, meta: `undefined`, err: errDataUndefined},
		{data: `undefined`, meta: `5`, err: transfer.ErrMetaNotObject},
		{data: `new Uint8Array(1)`, meta: `'str'`, err: transfer.ErrMetaNotObject},
		{data: `new Uint8Array(1)`, meta: `() => 1`, err: transfer.ErrMetaNotObject},
		{data: `'text'`, meta: `{a: 1}`, err: transfer.ErrMetaNotBinary},
		{data: `{a: 1}`, meta: `{a: 1}`, err: transfer.ErrMetaNotBinary},
		{data: `() => 1`, meta: `undefined`, err: errNotJSON},
	}
	for _, tt := range tests {
		t.Run(tt.data+","+tt.meta, func(t *testing.T) {
			out, err := convertSend(eval(tt.data), eval(tt.meta))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(out.data, tt.want) {
				t.Fatalf("data = %#v, want %#v", out.data, tt.want)
			}
			if string(out.meta) != tt.wantMeta {
				t.Fatalf("meta = %s, want %s", out.meta, tt.wantMeta)
			}
		})
	}
}

func TestConvertSendBlob(t *testing.T) {
	if jsBlob.Type() != js.TypeFunction {
		t.Skip("no Blob in this JS host")
	}
	out, err := convertSend(eval(`new Blob([new Uint8Array([5, 6]), 'ab'])`), js.Undefined())
	if err != nil || out.data != nil || out.blob.IsUndefined() {
		t.Fatalf("blob not deferred: %+v %v", out, err)
	}
	b, err := readBlob(out.blob)
	if err != nil || string(b) != "\x05\x06ab" {
		t.Fatalf("readBlob = %q, %v", b, err)
	}
}

func TestToJS(t *testing.T) {
	check := js.Global().Get("Function").New("v", "expect", `
const got = v instanceof ArrayBuffer ? {ab: Array.from(new Uint8Array(v))} : {type: typeof v, v}
return JSON.stringify(got) === expect ? '' : JSON.stringify(got)`)
	tests := []struct {
		m    transfer.Message
		want string
	}{
		{transfer.Message{Kind: transfer.KindString, Data: []byte("Courierʼs 🎺")}, `{"type":"string","v":"Courierʼs 🎺"}`},
		{transfer.Message{Kind: transfer.KindString, Data: nil}, `{"type":"string","v":""}`},
		{transfer.Message{Kind: transfer.KindJSON, Data: []byte(`{"a":[1,null]}`)}, `{"type":"object","v":{"a":[1,null]}}`},
		{transfer.Message{Kind: transfer.KindJSON, Data: []byte(`3.5`)}, `{"type":"number","v":3.5}`},
		{transfer.Message{Kind: transfer.KindBinary, Data: []byte{0, 255, 7}}, `{"ab":[0,255,7]}`},
		{transfer.Message{Kind: transfer.KindBinary, Data: []byte{}}, `{"ab":[]}`},
	}
	for _, tt := range tests {
		if diff := check.Invoke(toJS(tt.m), tt.want).String(); diff != "" {
			t.Errorf("%v %q: got %s, want %s", tt.m.Kind, tt.m.Data, diff, tt.want)
		}
	}
	if !metaToJS(nil).IsUndefined() {
		t.Error("no metadata must be undefined")
	}
	if got := metaToJS(json.RawMessage(`{"name":"x"}`)).Get("name").String(); got != "x" {
		t.Errorf("metadata name = %q", got)
	}
}

func TestTargetIDs(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`undefined`, nil},
		{`null`, nil},
		{`''`, nil},
		{`'abc'`, []string{"abc"}},
		{`['a', 'b']`, []string{"a", "b"}},
		{`[]`, []string{}},
	}
	for _, tt := range tests {
		if got := targetIDs(eval(tt.expr)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

func TestConvertConfig(t *testing.T) {
	cfg, err := convertConfig(eval(`{appId: 'kinneret', password: 'MuchoMaa$', relayUrls: ['ws://127.0.0.1:1/'],
		relayRedundancy: 2, rtcConfig: {iceServers: [{urls: 'stun:127.0.0.1:3478'}]}}`), "torrent")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AppID != "kinneret" || cfg.Password != "MuchoMaa$" || !reflect.DeepEqual(cfg.RelayURLs, []string{"ws://127.0.0.1:1/"}) ||
		cfg.RelayRedundancy != 2 || cfg.RTCConfig == nil || len(cfg.RTCConfig.ICEServers) != 1 {
		t.Fatalf("config %+v", cfg)
	}
	if cfg, err := convertConfig(eval(`{appId: 'a'}`), "torrent"); err != nil || cfg.RTCConfig != nil {
		t.Fatalf("no rtcConfig must leave the default (nil): %+v %v", cfg, err)
	}
	for _, c := range []struct {
		expr     string
		strategy string
		err      error
	}{
		{`undefined`, "torrent", errNoConfig},
		{`'x'`, "torrent", errNoConfig},
		{`{}`, "torrent", posthorn.ErrNoAppID},
		{`{appId: ''}`, "torrent", posthorn.ErrNoAppID},
		{`{appId: 'a', trackerUrls: ['x']}`, "torrent", errTrackerOptions},
		{`{appId: 'a', rtcConfig: {iceServers: [{urls: 5}]}}`, "nostr", ErrRTCConfig},
		{`{rootPath: 'x'}`, "firebase", posthorn.ErrNoAppID},
		{`{firebaseApp: {options: {}}}`, "firebase", posthorn.ErrNoAppID},
	} {
		if _, err := convertConfig(eval(c.expr), c.strategy); !errors.Is(err, c.err) {
			t.Errorf("%s: err = %v, want %v", c.expr, err, c.err)
		}
	}
	if _, err := convertConfig(eval(`{appId: 'a', trackerUrls: ['x']}`), "mqtt"); err != nil {
		t.Errorf("trackerUrls is only refused by the torrent strategy: %v", err)
	}
	// firebase: rootPath, and firebaseApp's databaseURL over appId (firebase.js's init)
	cfg, err = convertConfig(eval(`{appId: 'https://a.firebaseio.com', rootPath: 'apps/x',
		firebaseApp: {options: {databaseURL: 'http://127.0.0.1:9000?ns=b'}}}`), "firebase")
	if err != nil || cfg.AppID != "http://127.0.0.1:9000?ns=b" || cfg.RootPath != "apps/x" {
		t.Fatalf("firebase config %+v %v", cfg, err)
	}
	if cfg, _ := convertConfig(eval(`{appId: 'a', rootPath: 'x'}`), "mqtt"); cfg.RootPath != "" {
		t.Errorf("rootPath is firebase's only: %+v", cfg)
	}
	// ipfs: the bootstrap peers of libp2pConfig.peerDiscovery (a factory
	// shaped as @libp2p/bootstrap's: its result's list of {id, multiaddrs}),
	// then relayUrls; other discovery entries are skipped.
	cfg, err = convertConfig(eval(`{appId: 'a', relayUrls: ['/ip4/127.0.0.1/tcp/1/ws/p2p/A'], libp2pConfig: {
		connectionGater: {denyDialMultiaddr: async () => false},
		peerDiscovery: [
			components => ({list: [{id: 'B', multiaddrs: [{toString: () => '/ip4/127.0.0.1/tcp/2/ws/p2p/B'}]}]}),
			() => { throw new Error('not a bootstrap') },
			'junk',
		]}}`), "ipfs")
	if err != nil || !slices.Equal(cfg.RelayURLs, []string{"/ip4/127.0.0.1/tcp/2/ws/p2p/B", "/ip4/127.0.0.1/tcp/1/ws/p2p/A"}) {
		t.Fatalf("ipfs config %+v %v", cfg.RelayURLs, err)
	}
}

// config.onJoinError gets Trystero 0.25's object for a password mismatch;
// a throwing callback is logged, not fatal.
func TestConvertConfigOnJoinError(t *testing.T) {
	seen := eval(`[]`)
	js.Global().Set("__joinErrors", seen)
	cfg, err := convertConfig(eval(`{appId: 'a', onJoinError: e => { globalThis.__joinErrors.push(JSON.stringify(e)); throw new Error('app bug') }}`), "torrent")
	if err != nil || cfg.OnJoinError == nil {
		t.Fatalf("onJoinError not taken: %v", err)
	}
	cfg.OnJoinError(&posthorn.JoinError{AppID: "a", RoomID: "r", PeerID: "p1",
		Err: fmt.Errorf("%w when decrypting offer", posthorn.ErrWrongPassword)})
	want := `{"error":"incorrect room password when decrypting offer","appId":"a","roomId":"r","peerId":"p1"}`
	if seen.Length() != 1 || seen.Index(0).String() != want {
		t.Fatalf("onJoinError got %v, want %s", jsJSON.Call("stringify", seen), want)
	}
}

// TestThrowAndPromise checks the two ways errors reach JS: thrown from
// synchronous functions, and as rejected Promises.
func TestThrowAndPromise(t *testing.T) {
	f := funcOf(func(_ js.Value, args []js.Value) (any, error) {
		if arg(args, 0).Truthy() {
			return nil, transfer.ErrEmptyAction
		}
		return "fine", nil
	})
	defer f.Release()
	run := js.Global().Get("Function").New("f", "x",
		"try { return 'ok:' + f(x) } catch (e) { return (e instanceof Error ? 'Error:' : 'other:') + e.message }")
	w := wrapThrowing(f)
	if got := run.Invoke(w, false).String(); got != "ok:fine" {
		t.Errorf("no error: %s", got)
	}
	if got := run.Invoke(w, true).String(); got != "Error:Trystero: action type argument is required" {
		t.Errorf("thrown: %s", got)
	}

	v, err := await(newPromise(func() (any, error) { return 42, nil }))
	if err != nil || v.Int() != 42 {
		t.Errorf("resolved: %v %v", v, err)
	}
	_, err = await(newPromise(func() (any, error) { return nil, errDataUndefined }))
	if err == nil || err.Error() != "Trystero: action data cannot be undefined" {
		t.Errorf("rejected: %v", err)
	}
	_, err = await(rejected(transfer.ErrMetaNotBinary))
	if err == nil || err.Error() != "Trystero: action meta argument can only be used with binary data" {
		t.Errorf("rejected: %v", err)
	}
	// A panic inside the goroutine (a throwing JS call) rejects too.
	_, err = await(newPromise(func() (any, error) { return eval(`JSON`).Call("parse", "{bad"), nil }))
	if err == nil {
		t.Error("a throwing JS call did not reject")
	}
}
