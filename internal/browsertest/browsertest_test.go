//go:build !js

package browsertest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

const blank = `<!doctype html><meta charset="utf-8"><title>browsertest</title><body>browsertest</body>`

func TestServeContentTypes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.wasm"), []byte("\x00asm"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.js"), []byte("export {}"), 0o644)
	s := browsertest.Serve(t, dir)
	s.AddFile("/mem.mjs", []byte("export const x = 1"))
	tests := []struct {
		path, ctype, body string
		status            int
	}{
		{"/m.wasm", "application/wasm", "\x00asm", 200},
		{"/a.js", "text/javascript; charset=utf-8", "export {}", 200},
		{"/mem.mjs", "text/javascript; charset=utf-8", "export const x = 1", 200},
		{"/missing.js", "", "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res, err := http.Get(s.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if string(body) != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
		})
	}
}

func TestArtefactsDirFromEnv(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	t.Setenv(browsertest.ArtefactsEnv, dir)
	got, err := browsertest.ArtefactsDir()
	if err != nil || got != dir {
		t.Fatalf("ArtefactsDir() = %q, %v; want %q", got, err, dir)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("ArtefactsDir did not create %s: %v", dir, err)
	}
}

func TestBrowser(t *testing.T) {
	browsertest.ForEach(t, testBrowser)
}

func testBrowser(t *testing.T, kind browsertest.Kind) {
	b := browsertest.LaunchKind(t, kind)
	t.Setenv(browsertest.ArtefactsEnv, t.TempDir())
	s := browsertest.Serve(t, "")
	s.AddFile("/index.html", []byte(blank))
	s.AddFile("/m.wasm", []byte("\x00asm\x01\x00\x00\x00")) // the empty module

	t.Run("Pid", func(t *testing.T) {
		pid := b.Pid()
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if pid == 0 || err != nil || !strings.Contains(string(cmdline), string(kind)) {
			t.Fatalf("Pid() = %d: %q %v", pid, cmdline, err)
		}
	})

	t.Run("Eval", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		if got := browsertest.EvalAs[int](t, p, "1+1"); got != 2 {
			t.Fatalf("1+1 = %d", got)
		}
		if got := browsertest.EvalAs[string](t, p, "new Promise(r => setTimeout(() => r('late'), 20))"); got != "late" {
			t.Fatalf("awaited promise = %q", got)
		}
		var obj struct{ A []int }
		p.Eval(t, "({A: [1, 2, 3]})", &obj)
		if !slices.Equal(obj.A, []int{1, 2, 3}) {
			t.Fatalf("object = %+v", obj)
		}
		p.Eval(t, "undefined", nil)
	})

	t.Run("EvalError", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		err := p.Evaluate(t.Context(), "Promise.reject(new Error('nope'))", nil)
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("rejected promise: err = %v", err)
		}
	})

	t.Run("WaitFor", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		p.Eval(t, "setTimeout(() => { window.ready = true }, 100)", nil)
		p.WaitFor(t, "window.ready", 10*time.Second)
		short, stop := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer stop()
		if err := p.WaitUntil(short, "window.never"); err == nil {
			t.Fatal("WaitUntil on a false condition returned nil")
		}
	})

	t.Run("Console", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		p.Eval(t, "console.log('marker', 42); setTimeout(() => { throw new Error('boom') })", nil)
		deadline := time.Now().Add(10 * time.Second)
		for {
			logs := strings.Join(p.Logs(), "\n")
			if strings.Contains(logs, "log: marker 42") && strings.Contains(logs, "boom") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("console lines missing; have:\n%s", logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("Screenshot", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		path := p.Screenshot(t, "shot")
		data, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(data), "\x89PNG") {
			t.Fatalf("screenshot %s: %v, % x", path, err, data[:min(8, len(data))])
		}
	})

	t.Run("WasmMIME", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		got := browsertest.EvalAs[bool](t, p, `WebAssembly.instantiateStreaming(fetch('/m.wasm')).then(r => r.instance instanceof WebAssembly.Instance)`)
		if !got {
			t.Fatal("instantiateStreaming failed")
		}
	})

	t.Run("FakeCamera", func(t *testing.T) {
		p := b.NewPage(t, s.URL+"/index.html")
		n := browsertest.EvalAs[int](t, p, `navigator.mediaDevices.getUserMedia({video: true, audio: true}).then(s => s.getTracks().length)`)
		if n != 2 {
			t.Fatalf("fake camera gave %d tracks, want 2", n)
		}
	})

	t.Run("PeerConnection", func(t *testing.T) {
		// Two tabs, signalled by the test: proves the browser gathers
		// loopback candidates and connects inside the namespace.
		a := b.NewPage(t, s.URL+"/index.html")
		c := b.NewPage(t, s.URL+"/index.html")
		const setup = `
			window.gathered = pc => new Promise(r => {
				if (pc.iceGatheringState === 'complete') return r()
				pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())
			});
			window.got = [];
			window.pc = new RTCPeerConnection({iceServers: []});
			window.pc.ondatachannel = e => { window.dc = e.channel; e.channel.onmessage = m => got.push(m.data) };
		`
		a.Eval(t, setup, nil)
		c.Eval(t, setup, nil)
		offer := browsertest.EvalAs[string](t, a, `(async () => {
			window.dc = pc.createDataChannel('x');
			dc.onmessage = m => got.push(m.data);
			await pc.setLocalDescription(await pc.createOffer());
			await gathered(pc);
			return JSON.stringify(pc.localDescription);
		})()`)
		if !strings.Contains(offer, "127.0.0.1") {
			t.Fatalf("offer has no loopback candidate: %s", offer)
		}
		answer := browsertest.EvalAs[string](t, c, `(async () => {
			await pc.setRemoteDescription(`+offer+`);
			await pc.setLocalDescription(await pc.createAnswer());
			await gathered(pc);
			return JSON.stringify(pc.localDescription);
		})()`)
		a.Eval(t, `pc.setRemoteDescription(`+answer+`)`, nil)
		a.WaitFor(t, `window.dc && dc.readyState === 'open'`, 20*time.Second)
		c.WaitFor(t, `window.dc && dc.readyState === 'open'`, 20*time.Second)
		a.Eval(t, `dc.send('ping from a')`, nil)
		c.WaitFor(t, `got[0] === 'ping from a'`, 10*time.Second)
		c.Eval(t, `dc.send('pong from c')`, nil)
		a.WaitFor(t, `got[0] === 'pong from c'`, 10*time.Second)
	})
}
