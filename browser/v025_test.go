//go:build !js

package browser

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// bothPage imports posthorn/mqtt (Trystero 0.18's API) and posthorn/v025/mqtt
// (0.25's) on one page; both come from the one posthorn-mqtt.wasm.
const bothPage = `<!doctype html>
<meta charset="utf-8">
<title>posthorn 0.18 and 0.25</title>
<script type="module">
import * as m18 from './mqtt.mjs'
import * as m25 from './v025/mqtt.mjs'
window.m18 = m18
window.m25 = m25
window.got18 = []
window.got25 = []
window.loaded = true
</script>
`

// TestMQTTBothAPIs checks that adding 0.25's API left 0.18's unchanged: on
// pages that load both, the 0.18 module exports what it did, its rooms have
// the 0.18 shape (callback registrars, makeAction's [send, onReceive,
// onProgress], 0.18's error texts) and two pages meet and talk on it, while
// the same pages also meet and talk in a 0.25 room of the same wasm.
func TestMQTTBothAPIs(t *testing.T) {
	e := newEnvIn(t, browsertest.Chromium, "mqtt")
	e.srv.AddFile("/both.html", []byte(bothPage))
	var pages []*browsertest.Page
	var ids []string
	for _, name := range []string{"p1", "p2"} {
		p := e.b.NewNamedPage(t, name, e.srv.URL+"/both.html")
		p.WaitFor(t, "window.loaded === true", 0)
		pages = append(pages, p)
		ids = append(ids, browsertest.EvalAs[string](t, p, "m18.selfId"))
	}
	p1 := pages[0]

	if k := browsertest.EvalAs[[]string](t, p1, "Object.keys(m18).sort()"); !slices.Equal(k, []string{"getRelaySockets", "joinRoom", "selfId"}) {
		t.Errorf("0.18 module exports %v", k)
	}
	if k := browsertest.EvalAs[[]string](t, p1, "Object.keys(m25).sort()"); !slices.Equal(k, []string{"defaultRelayUrls", "getRelaySockets", "joinRoom", "selfId"}) {
		t.Errorf("0.25 module exports %v", k)
	}
	if browsertest.EvalAs[string](t, p1, "m25.selfId") != ids[0] {
		t.Error("the 0.25 module has another selfId")
	}
	if msg := browsertest.EvalAs[string](t, p1, "(() => { try { m18.joinRoom({appId: 'a'}) } catch (e) { return e.message } })()"); msg != "Trystero: namespace argument required" {
		t.Errorf("0.18 joinRoom without a namespace threw %q", msg)
	}
	if msg := browsertest.EvalAs[string](t, p1, "(() => { try { m25.joinRoom({appId: 'a'}) } catch (e) { return e.message } })()"); msg != "Trystero: roomId argument required" {
		t.Errorf("0.25 joinRoom without a roomId threw %q", msg)
	}

	relays := jsString(e.tracker)
	for _, p := range pages {
		var shape string
		p.Eval(t, fmt.Sprintf(`(() => {
  const cfg = {appId: 'both_apis', relayUrls: [%[1]s], rtcConfig: {iceServers: []}}
  const r18 = (window.r18 = m18.joinRoom(cfg, 'room'))
  window.peers18 = []
  r18.onPeerJoin(id => peers18.push(id))
  const a18 = r18.makeAction('chat')
  window.send18 = a18[0]
  a18[1]((data, id, meta) => got18.push([data, id, meta === undefined]))
  const r25 = (window.r25 = m25.joinRoom({appId: 'both_apis', relayConfig: {urls: [%[1]s]}, rtcConfig: {iceServers: []}}, 'room25'))
  window.peers25 = []
  r25.onPeerJoin = id => peers25.push(id)
  window.a25 = r25.makeAction('chat')
  a25.onMessage = (data, ctx) => got25.push([data, ctx.peerId, ctx.metadata])
  return [Array.isArray(a18) && a18.length === 3 && a18.every(f => typeof f === 'function'),
    typeof r18.onPeerJoin === 'function', typeof r18.onPeerLeave, typeof r25.onPeerJoin,
    typeof a25.send, a25.onReceiveProgress === null].join()
})()`, relays), &shape)
		if shape != "true,true,function,function,function,true" {
			t.Errorf("%s: room shapes %s", p.Name, shape)
		}
	}
	for i, p := range pages {
		p.WaitFor(t, fmt.Sprintf("peers18.includes(%q) && peers25.includes(%[1]q)", ids[1-i]), 0)
	}
	for i, p := range pages {
		p.Eval(t, fmt.Sprintf(`Promise.all([send18('hi 18 from %[1]d'), a25.send('hi 25 from %[1]d', {metadata: {n: %[1]d}})]).then(() => true)`, i), nil)
	}
	for i, p := range pages {
		other := ids[1-i]
		p.WaitFor(t, "got18.length === 1 && got25.length === 1", 0)
		got := browsertest.EvalAs[[]any](t, p, "[got18[0], got25[0]]")
		want := fmt.Sprint([]any{[]any{fmt.Sprintf("hi 18 from %d", 1-i), other, true}, []any{fmt.Sprintf("hi 25 from %d", 1-i), other, map[string]any{"n": float64(1 - i)}}})
		if fmt.Sprint(got) != want {
			t.Errorf("%s received %v, want %v", p.Name, got, want)
		}
	}
}

// pausePage loads a strategy's 0.25 module (posthorn/v025/STRATEGY).
const pausePage = `<!doctype html>
<meta charset="utf-8">
<title>posthorn 0.25 relay pause</title>
<script type="module">
import * as m from './v025/STRATEGY.mjs'
window.m = m
window.loaded = true
</script>
`

// TestPauseRelayReconnection025 checks the 0.25 modules' relay pause on
// torrent and nostr with three pages in a room: one paused with
// pauseRelayReconnection, one by the window's offline event, and one that
// also gets the offline event but joined with
// relayConfig.manualReconnection. The relay restarts, dropping every
// socket. The last page's socket reconnects; the paused ones stay closed
// for as long again, and reconnect once resumed (resumeRelayReconnection,
// the online event).
func TestPauseRelayReconnection025(t *testing.T) {
	for _, s := range []string{"torrent", "nostr"} {
		t.Run(s, func(t *testing.T) {
			e := newEnvIn(t, browsertest.Chromium, s)
			e.srv.AddFile("/pause.html", []byte(strings.ReplaceAll(pausePage, "STRATEGY", s)))
			state := fmt.Sprintf("m.getRelaySockets()[%s]?.readyState", jsString(e.tracker))
			open := state + " === 1"
			pages := map[string]*browsertest.Page{}
			for name, manual := range map[string]bool{"paused": false, "offline": false, "manual": true} {
				p := e.b.NewNamedPage(t, name, e.srv.URL+"/pause.html")
				p.WaitFor(t, "window.loaded === true", 0)
				p.Eval(t, fmt.Sprintf(`(m.joinRoom({appId: 'pause_025', relayConfig: {urls: [%s], manualReconnection: %v}, rtcConfig: {iceServers: []}}, 'room'), true)`,
					jsString(e.tracker), manual), nil)
				p.WaitFor(t, open, 0)
				pages[name] = p
			}
			pages["paused"].Eval(t, "m.pauseRelayReconnection(), m.pauseRelayReconnection(), true", nil)
			for _, name := range []string{"offline", "manual"} {
				pages[name].Eval(t, "dispatchEvent(new Event('offline')), true", nil)
			}

			start := time.Now()
			e.restart()
			for _, name := range []string{"paused", "offline"} {
				pages[name].WaitFor(t, "!("+open+")", 0)
			}
			pages["manual"].WaitFor(t, open, relayBackTimeout)
			time.Sleep(time.Since(start))
			for _, name := range []string{"paused", "offline"} {
				if st := browsertest.EvalAs[int](t, pages[name], state); st != 3 {
					t.Errorf("%s page's socket readyState %d, want 3 (closed) while paused", name, st)
				}
			}
			pages["paused"].Eval(t, "m.resumeRelayReconnection(), true", nil)
			pages["offline"].Eval(t, "dispatchEvent(new Event('online')), true", nil)
			for _, name := range []string{"paused", "offline"} {
				pages[name].WaitFor(t, open, relayBackTimeout)
			}
		})
	}
}
