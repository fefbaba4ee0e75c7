//go:build !js

package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// DemoPNGEnv names the environment variable that, when set to a path, makes
// TestDemo write its two-peer screenshot there (docs/demo.png for the
// README): POSTHORN_DEMO_PNG=$PWD/docs/demo.png.
const DemoPNGEnv = "POSTHORN_DEMO_PNG"

// fileSize is the size of the file sent through the page: a dozen 256 KiB
// chunks, so progress is reported many times.
const fileSize = 3 << 20

// TestDemo drives the demo page with two, then three peers, through the
// embedded relay, using only what the page shows. It runs once per
// browser: p1 and p3 in that browser, p2 in the other one, so each
// browser plays each part and meets the other.
func TestDemo(t *testing.T) { browsertest.ForEach(t, testDemo) }

func testDemo(t *testing.T, k browsertest.Kind) {
	strategies := builtStrategies(t)
	base := startDemo(t)
	b := browsertest.LaunchKind(t, k)
	o := browsertest.LaunchKind(t, k.Other())

	p1 := openDemo(t, b, base, "demo-test", "torrent")
	offered := browsertest.EvalAs[[]string](t, p1.Page, `[...document.querySelectorAll('#strategy option')].map(o => o.value)`)
	if !slices.Equal(offered, strategies) {
		t.Errorf("strategy picker offers %v; built wasm: %v", offered, strategies)
	}
	p2 := openDemo(t, o, base, "demo-test", "torrent")
	p1.waitPeers(p2)
	p2.waitPeers(p1)

	// The page passes make demo's TURN server to joinRoom as
	// rtcConfig.iceServers (relay/turn's tests connect pages through it).
	p1.WaitFor(t, `Object.values(posthornDemo.room.getPeers()).some(pc =>
		pc.getConfiguration().iceServers.some(s => s.username && [].concat(s.urls).some(u => u.startsWith('turn:'))))`, peerTimeout)

	// The relay socket is open (getRelaySockets).
	p1.WaitFor(t, `document.getElementById('relays').textContent === '1/1 relay connected'`, peerTimeout)

	// Ping times appear in the peer list.
	p1.WaitFor(t, `/^\d+ ms$/.test(document.querySelector('#peers li[data-peer] .ping').textContent)`, peerTimeout)

	// Chat, both ways.
	p1.say("hello from one")
	p2.waitChat(p1, "hello from one")
	p2.say("hi one, two here")
	p1.waitChat(p2, "hi one, two here")

	// Cursors: the real mouse over p1's area shows p1's cursor on p2.
	p1.moveMouse(0.5, 0.5)
	p2.WaitFor(t, `(() => {
		const c = document.querySelector('.cursor[data-peer=`+jsString(p1.id)+`]')
		return c && !c.hidden && Math.abs(parseFloat(c.style.left) - 50) < 5 && Math.abs(parseFloat(c.style.top) - 50) < 5
	})()`, peerTimeout)
	p2.moveMouse(0.3, 0.65)
	p1.WaitFor(t, `(() => {
		const c = document.querySelector('.cursor[data-peer=`+jsString(p2.id)+`]')
		return c && !c.hidden && Math.abs(parseFloat(c.style.left) - 30) < 5
	})()`, peerTimeout)

	sendFiles(t, p1, p2)
	media(t, p1, p2)

	// The screenshot for the README: p2 with a received file, chat, p1's
	// cursor and both videos.
	p2.viewport(1200, 900, false)
	p1.moveMouse(0.62, 0.4)
	p2.WaitFor(t, `Math.abs(parseFloat(document.querySelector('.cursor[data-peer=`+jsString(p1.id)+`]').style.left) - 62) < 5`, peerTimeout)
	waitVideosPlaying(t, p2, p1.id, "self")
	if png := p2.fullScreenshot("desktop"); o.Kind() == browsertest.Chromium {
		writePNG(t, DemoPNGEnv, png)
	}

	// Phone width: nothing may stick out sideways.
	p2.viewport(390, 844, true)
	p2.fullScreenshot("phone")
	if w := browsertest.EvalAs[[]int](t, p2.Page, `[document.documentElement.scrollWidth, innerWidth]`); w[0] > w[1] {
		t.Errorf("at phone width the page is %dpx wide in a %dpx viewport", w[0], w[1])
	}
	p2.viewport(1200, 900, false)

	badInput(t, p1, p2)

	// Stopping the camera removes the stream: p2 drops p1's tile.
	p1.click("stop")
	p2.WaitFor(t, `!document.querySelector('#videos figure[data-peer=`+jsString(p1.id)+`]')`, peerTimeout)
	p1.WaitFor(t, `!document.querySelector('#videos figure[data-peer=self]') && !document.getElementById('camera').disabled`, peerTimeout)

	// A third peer, while p2's camera is on but muted.
	p2.click("mute")
	p2.WaitFor(t, sendsMic+`.every(s => s === 'other')`, peerTimeout)
	p3 := openDemo(t, b, base, "demo-test", "torrent")
	p1.waitPeers(p2, p3)
	p2.waitPeers(p1, p3)
	p3.waitPeers(p1, p2)
	p3.say("three joins the party")
	p1.waitChat(p3, "three joins the party")
	p2.waitChat(p3, "three joins the party")
	// The newcomer gets p2's stream, with the silent track for the muted
	// microphone; unmuting sends the microphone to both.
	waitVideosPlaying(t, p3, p2.id)
	p3.WaitFor(t, `document.getElementById('relays').textContent === '1/1 relay connected'`, peerTimeout)
	p2.WaitFor(t, sendsMic+`.join() === 'other,other'`, peerTimeout)
	p2.click("mute")
	p2.WaitFor(t, sendsMic+`.join() === 'mic,mic'`, peerTimeout)
	p3.viewport(390, 844, true)
	p3.fullScreenshot("phone-three")

	// p2 reloads: the others see it leave and come back under a new id,
	// and chat still works in every direction.
	oldID := p2.id
	p2.Reload(t)
	p2.join("torrent", "")
	if p2.id == oldID {
		t.Fatalf("reloaded page kept its id %s", oldID)
	}
	for _, p := range []*demoPage{p1, p3} {
		p.waitSystem(oldID, "left")
		p.waitSystem(p2.id, "joined")
	}
	p1.waitPeers(p2, p3)
	p3.waitPeers(p1, p2)
	p2.waitPeers(p1, p3)
	p2.say("two is back")
	p1.waitChat(p2, "two is back")
	p3.waitChat(p2, "two is back")
	p1.say("welcome back")
	p2.waitChat(p1, "welcome back")
	p1.fullScreenshot("after-reload")

	// Leave: the others see p3 go; p3 is back at the join form.
	p3.click("leave")
	p3.WaitFor(t, `document.readyState === 'complete' && !document.getElementById('join').hidden && !document.body.dataset.joined`, peerTimeout)
	p3.fullScreenshot("phone-join-form")
	p1.waitSystem(p3.id, "left")
	p2.waitSystem(p3.id, "left")
	p1.waitPeers(p2)
	p2.waitPeers(p1)

	for _, p := range []*demoPage{p1, p2, p3} {
		checkNoErrors(t, p)
	}

	for _, s := range strategies[1:] {
		t.Run(s, func(t *testing.T) {
			a := openDemo(t, b, base, "demo-"+s, s)
			c := openDemo(t, o, base, "demo-"+s, s)
			a.waitPeers(c)
			c.waitPeers(a)
			a.say("over " + s)
			c.waitChat(a, "over "+s)
		})
	}
}

// TestDemoPassword joins one room with a wrong password and two with the
// right one: the right ones connect and chat, the wrong one is never
// listed. The wrong one joins first, so the others' announcements reach it
// before theirs reach each other. It runs once per browser, with c in the
// other one.
func TestDemoPassword(t *testing.T) { browsertest.ForEach(t, testDemoPassword) }

func testDemoPassword(t *testing.T, k browsertest.Kind) {
	builtStrategies(t)
	base := startDemo(t)
	b := browsertest.LaunchKind(t, k)
	o := browsertest.LaunchKind(t, k.Other())
	wrong := openDemoPassword(t, b, base, "demo-secret", "torrent", "not the password")
	a := openDemoPassword(t, b, base, "demo-secret", "torrent", "correct horse")
	c := openDemoPassword(t, o, base, "demo-secret", "torrent", "correct horse")
	a.waitPeers(c)
	c.waitPeers(a)
	a.say("for your eyes only")
	c.waitChat(a, "for your eyes only")
	for _, p := range []*demoPage{a, c} {
		if got := p.peers(); len(got) != 1 {
			t.Errorf("%s lists %v, want only its partner", p.Name, got)
		}
	}
	if got := wrong.peers(); len(got) != 0 {
		t.Errorf("the page with the wrong password lists %v", got)
	}
	// The wrong page did hear the others' offers: it could not decrypt them.
	heard := func() bool {
		return slices.ContainsFunc(wrong.Logs(), func(l string) bool { return strings.Contains(l, "password") })
	}
	for deadline := time.Now().Add(peerTimeout); !heard(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page with the wrong password never logged an offer it could not decrypt")
		}
	}
	if got := browsertest.EvalAs[string](t, wrong.Page, `location.search`); strings.Contains(got, "horse") || strings.Contains(got, "password") {
		t.Errorf("the password leaked into the address: %s", got)
	}
}

// sendFiles picks two files at once on one page (a random 3 MiB file and a
// small text file, so their chunks interleave) and checks, on the other,
// each file's name, type and size, progress on both sides and the bytes
// behind the download link.
func sendFiles(t *testing.T, from, to *demoPage) {
	t.Helper()
	files := []struct {
		name, meta string
		size       int
	}{
		{"postcard.bin", "application/octet-stream · 3.0 MiB", fileSize},
		{"note.txt", "text/plain · 40.0 KiB", 40 << 10},
	}
	dir := t.TempDir()
	var paths []string
	sums := map[string]string{}
	for _, f := range files {
		data := make([]byte, f.size)
		rand.Read(data)
		sum := sha256.Sum256(data)
		sums[f.name] = hex.EncodeToString(sum[:])
		paths = append(paths, filepath.Join(dir, f.name))
		if err := os.WriteFile(paths[len(paths)-1], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	from.setFiles(paths...)

	to.WaitFor(t, fmt.Sprintf(`document.querySelectorAll('#transfers li.in a.download').length === %d`, len(files)), peerTimeout)
	from.WaitFor(t, fmt.Sprintf(`[...document.querySelectorAll('#transfers li.out')].filter(li => li.dataset.state === 'sent').length === %d`, len(files)), peerTimeout)
	for _, f := range files {
		var got, sent struct {
			Title, Meta, Hash string
			Progress          []float64
			Peers             []string
		}
		// The row whose download link or title names the file.
		row := func(dir string) string {
			return `[...document.querySelectorAll('#transfers li.` + dir + `')].find(li => li.querySelector('.title').textContent.startsWith(` +
				jsString(map[string]string{"in": "Receiving ", "out": "Sending "}[dir]+f.name+" ") + `))`
		}
		const fields = `Title: li.querySelector('.title').textContent, Meta: li.querySelector('.meta').textContent,
			Progress: [...li.querySelectorAll('progress')].map(p => p.value),
			Peers: [...li.querySelectorAll('progress')].map(p => p.dataset.peer)`
		to.Eval(t, `(async () => {
			const li = `+row("in")+`, a = li.querySelector('a.download')
			const buf = await (await fetch(a.href)).arrayBuffer()
			const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))]
				.map(b => b.toString(16).padStart(2, '0')).join('')
			return {`+fields+`, Hash: a.download === `+jsString(f.name)+` ? hash : 'download named ' + a.download}
		})()`, &got)
		if got.Hash != sums[f.name] {
			t.Errorf("%s: received bytes hash to %s, sent %s", f.name, got.Hash, sums[f.name])
		}
		// "Receiving" (not "Received") means progress events with the
		// metadata came before the data.
		want := fmt.Sprintf("Receiving %s from %s — received", f.name, from.id[:6])
		if got.Title != want || got.Meta != f.meta || !slices.Equal(got.Progress, []float64{1}) || !slices.Equal(got.Peers, []string{from.id}) {
			t.Errorf("%s: receiver shows %+v, want title %q, meta %q, progress [1] from %s", f.name, got, want, f.meta, from.id)
		}
		from.Eval(t, `(() => { const li = `+row("out")+`; return {`+fields+`} })()`, &sent)
		want = "Sending " + f.name + " — sent"
		if sent.Title != want || sent.Meta != f.meta || !slices.Equal(sent.Progress, []float64{1}) || !slices.Equal(sent.Peers, []string{to.id}) {
			t.Errorf("%s: sender shows %+v, want title %q, meta %q, progress [1] to %s", f.name, sent, want, f.meta, to.id)
		}
	}
}

// badInput sends, through the public API, data of the wrong shape on each
// of the page's actions; the receiving page must ignore it (no chat line,
// no download, no exception) and keep working.
func badInput(t *testing.T, from, to *demoPage) {
	t.Helper()
	from.Eval(t, `(async () => {
		const send = name => posthornDemo.room.makeAction(name)[0]
		await send('cursor')({x: 1})
		await send('cursor')(['left', 'top'])
		await send('chat')({not: 'text'})
		await send('chat')([1, 2, 3])
		await send('file')('not a file')
		await send('file')({name: 'evil.html'})
		await send('chat')('after the garbage')
	})()`, nil)
	// Data channels are ordered: when this line shows, the rest was handled.
	to.waitChat(from, "after the garbage")
	var got struct {
		Chat            []string
		Rows, Downloads int
		Cursor          bool
	}
	to.Eval(t, `({
		Chat: [...document.querySelectorAll('#messages li[data-from=`+jsString(from.id)+`]')].map(li => li.textContent),
		Rows: document.querySelectorAll('#transfers li.in').length,
		Downloads: document.querySelectorAll('#transfers a.download').length,
		Cursor: !document.querySelector('.cursor[data-peer=`+jsString(from.id)+`]')?.hidden
	})`, &got)
	short := from.id[:6]
	if !slices.Equal(got.Chat, []string{short + " hello from one", short + " after the garbage"}) || got.Rows != 2 || got.Downloads != 2 || got.Cursor {
		t.Errorf("after malformed data the page shows %+v", got)
	}
}

// media starts both cameras (fake devices), checks each side plays the
// other's video, and mutes and unmutes p1 with replaceTrack.
func media(t *testing.T, p1, p2 *demoPage) {
	t.Helper()
	p1.click("camera")
	waitVideosPlaying(t, p2, p1.id)
	p2.click("camera")
	waitVideosPlaying(t, p1, p2.id, "self")
	p2.WaitFor(t, `document.querySelector('#videos figure[data-peer=`+jsString(p1.id)+`] figcaption').textContent.endsWith('· camera')`, peerTimeout)

	p1.WaitFor(t, sendsMic+`.every(s => s === 'mic')`, peerTimeout)
	p1.click("mute")
	p1.WaitFor(t, sendsMic+`.every(s => s === 'other') && document.getElementById('mute').textContent === 'Unmute'`, peerTimeout)
	p1.click("mute")
	p1.WaitFor(t, sendsMic+`.every(s => s === 'mic') && document.getElementById('mute').textContent === 'Mute'`, peerTimeout)
}

// sendsMic is a JS expression: for each of the page's connections, whether
// it sends the microphone of the camera stream ('mic'), another audio track
// ('other') or none ('none').
const sendsMic = `(() => {
	const mic = document.querySelector('#videos figure[data-peer=self] video').srcObject.getAudioTracks()[0]
	return Object.values(posthornDemo.room.getPeers()).map(pc => {
		const s = pc.getSenders().find(s => s.track?.kind === 'audio')
		return s ? (s.track.id === mic.id ? 'mic' : 'other') : 'none'
	})
})()`

// waitVideosPlaying waits until the page plays the video tiles of the given
// peers ("self" for its own camera): frames decoded and time advancing.
func waitVideosPlaying(t *testing.T, p *demoPage, keys ...string) {
	t.Helper()
	for _, k := range keys {
		sel := `document.querySelector('#videos figure[data-peer=` + jsString(k) + `] video')`
		p.WaitFor(t, sel+`?.readyState >= 2`, peerTimeout)
		t0 := browsertest.EvalAs[float64](t, p.Page, sel+`.currentTime`)
		p.WaitFor(t, sel+`.currentTime > `+fmt.Sprint(t0)+` && `+sel+`.videoWidth > 0`, peerTimeout)
	}
}

// checkNoErrors fails t if the page logged an error or threw.
func checkNoErrors(t *testing.T, p *demoPage) {
	t.Helper()
	for _, l := range p.Logs() {
		if strings.HasPrefix(l, "error:") || strings.HasPrefix(l, "exception:") {
			t.Errorf("%s logged: %s", p.Name, l)
		}
	}
}

// writePNG re-encodes the screenshot with the best compression and, if the
// environment variable env is set, writes it there.
func writePNG(t *testing.T, env string, shot []byte) {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		return
	}
	img, _, err := image.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %dx%d, %d KiB", path, img.Bounds().Dx(), img.Bounds().Dy(), buf.Len()>>10)
}
