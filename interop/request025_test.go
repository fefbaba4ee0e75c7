//go:build !js

package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
)

// Requests and responses of Trystero 0.25 (protocol-0.25 §8) between the
// real @trystero-p2p/mqtt@0.25.4 and posthorn, native and wasm, each side
// asking the other: a response with the requester's metadata, a handler
// that throws, an action without a handler, a timeout, requestMany with a
// peer that is not there.

// makeRequestActions makes the native peer's ask and none, ask answering
// as harness025.js's answer does (but for undefined, which Go has not).
func (m *native025) makeRequestActions(t *testing.T) {
	t.Helper()
	var err error
	if m.ask, err = m.room.MakeRequestAction("ask"); err != nil {
		t.Fatal(err)
	}
	if m.none, err = m.room.MakeRequestAction("none"); err != nil {
		t.Fatal(err)
	}
	m.stalled = make(chan string, 8)
	_ = m.ask.OnRequest(func(ctx context.Context, req posthorn.Message, from string) (any, error) {
		var data any
		if err := json.Unmarshal(req.Data, &data); req.Kind.String() == "string" || err != nil {
			data = string(req.Data)
		}
		switch data {
		case "fail":
			return nil, errors.New("boom")
		case "stall":
			m.stalled <- from
			<-ctx.Done()
			return nil, ctx.Err()
		}
		var meta any
		if req.Meta != nil {
			_ = json.Unmarshal(req.Meta, &meta)
		}
		return map[string]any{"echo": data, "from": from, "meta": meta, "signal": true}, nil
	})
}

// outcome025 is harness025.js's outcome of a request.
type outcome025 struct {
	Value any    `json:"value"`
	Error string `json:"error"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
}

// pageRequest evaluates H.request on p.
func pageRequest(t *testing.T, p *page025, action, target, data string, opts map[string]any) outcome025 {
	t.Helper()
	var o outcome025
	p.page.Eval(t, fmt.Sprintf("H.request(%s, %s, %s, %s)", mustJSON(action), mustJSON(target), mustJSON(data), mustJSON(opts)), &o)
	return o
}

// pageAsks runs the requests from page p to peer to (a page if toPage is
// set, else the native peer), whose id is toID, and checks what p sees.
func pageAsks(t *testing.T, p *page025, toID string, toPage *page025) {
	t.Helper()
	o := pageRequest(t, p, "ask", toID, "hi", map[string]any{"metadata": map[string]int{"k": 1}})
	if fmt.Sprint(o.Value) != fmt.Sprintf("map[echo:hi from:%s meta:map[k:1] signal:true]", p.id) || o.Error != "" {
		t.Errorf("%s asks: %+v", p.page.Name, o)
	}
	for _, tc := range []struct{ action, data, err, kind string }{
		{"ask", "fail", "Trystero: boom", "rejected"},
		{"none", "hi", "Trystero: request handler unavailable", "rejected"},
	} {
		if o := pageRequest(t, p, tc.action, toID, tc.data, nil); o.Error != tc.err || o.Kind != tc.kind || o.Value != nil {
			t.Errorf("%s asks %s %q: %+v, want %q (%s)", p.page.Name, tc.action, tc.data, o, tc.err, tc.kind)
		}
	}
	if toPage != nil {
		if o := pageRequest(t, p, "ask", toID, "undefined", nil); o.Error != "Trystero: Trystero: request handler returned undefined" || o.Kind != "rejected" {
			t.Errorf("%s asks for undefined: %+v", p.page.Name, o)
		}
	}
	if o := pageRequest(t, p, "ask", toID, "stall", map[string]any{"timeoutMs": 300}); o.Error != "Trystero: request timed out" || o.Kind != "timeout" {
		t.Errorf("%s asks with a timeout: %+v", p.page.Name, o)
	}
	if o := pageRequest(t, p, "ask", toID, "stall", map[string]any{"abortAfterMs": 200}); o.Error != "Trystero: operation aborted" || o.Kind != "aborted" || o.Name != "AbortError" {
		t.Errorf("%s asks, then aborts: %+v", p.page.Name, o)
	}
	if o := pageRequest(t, p, "ask", "nobody", "hi", nil); o.Error != "Trystero: no active peer with id nobody" || o.Kind != "disconnected" {
		t.Errorf("%s asks nobody: %+v", p.page.Name, o)
	}
	p.page.Eval(t, "H.results.length = 0", nil)
	var many outcome025
	p.page.Eval(t, fmt.Sprintf(`H.requestMany("ask", [%s, "nobody"], "hi")`, mustJSON(toID)), &many)
	want := fmt.Sprintf("[map[peerId:%s status:fulfilled value:map[echo:hi from:%s meta:<nil> signal:true]] map[peerId:nobody status:disconnected]]", toID, p.id)
	if fmt.Sprint(many.Value) != want || many.Error != "" {
		t.Errorf("%s: requestMany gave %+v, want %s", p.page.Name, many, want)
	}
	if n := browsertest.EvalAs[int](t, p.page, "H.results.length"); n != 2 {
		t.Errorf("%s: onResult called %d times", p.page.Name, n)
	}
}

// nativeAsks runs the requests from the native peer n to page p.
func nativeAsks(t *testing.T, n *native025, p *page025) {
	t.Helper()
	ctx := t.Context()
	m, err := n.ask.Request(ctx, p.id, "hi", &posthorn.RequestOptions{Meta: map[string]int{"k": 1}})
	if err != nil || m.Kind.String() != "json" || string(m.Data) != fmt.Sprintf(`{"echo":"hi","from":%q,"meta":{"k":1},"signal":true}`, n.id) {
		t.Errorf("native asks: %s %s, %v", m.Kind, m.Data, err)
	}
	var re *posthorn.RequestError
	if _, err := n.ask.Request(ctx, p.id, "fail", nil); !errors.As(err, &re) || re.Msg != "boom" || re.PeerID != p.id {
		t.Errorf("native asks to fail: %v", err)
	}
	if _, err := n.ask.Request(ctx, p.id, "undefined", nil); !errors.As(err, &re) || re.Msg != "Trystero: request handler returned undefined" {
		t.Errorf("native asks for undefined: %v", err)
	}
	if _, err := n.none.Request(ctx, p.id, "hi", nil); !errors.Is(err, posthorn.ErrNoHandler) {
		t.Errorf("native asks none: %v", err)
	}
	if _, err := n.ask.Request(ctx, p.id, "stall", &posthorn.RequestOptions{Timeout: 300 * time.Millisecond}); !errors.Is(err, posthorn.ErrRequestTimeout) {
		t.Errorf("native asks with a timeout: %v", err)
	}
	res, err := n.ask.RequestMany(ctx, []string{p.id, "nobody"}, json.RawMessage(`[1,2]`), nil)
	if err != nil || len(res) != 2 || res[0].Err != nil ||
		string(res[0].Response.Data) != fmt.Sprintf(`{"echo":[1,2],"from":%q,"meta":null,"signal":true}`, n.id) ||
		!errors.Is(res[1].Err, posthorn.ErrUnknownPeer) {
		t.Errorf("native requestMany: %+v, %v", res, err)
	}
}

// TestMQTT025Requests: the real @trystero-p2p/mqtt@0.25.4 and a native
// peer ask each other; then a request pending while its peer leaves fails
// on either side.
func TestMQTT025Requests(t *testing.T) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assets025(t, mqtt025.pkg))
	cfg := joinConfig{AppID: appID, Relays: []string{mqtt025.relay(t)}, Room: "v025-requests"}
	js := openPage025(t, b, site, "js")
	js.join(t, cfg)
	n := joinNative025(t, mqtt025, "native", nativeID(t, js.id, true), cfg)
	meet025(t, js, n)

	t.Run("js-asks", func(t *testing.T) { pageAsks(t, js, n.id, nil) })
	t.Run("native-asks", func(t *testing.T) { nativeAsks(t, n, js) })
	t.Run("native-leaves", func(t *testing.T) {
		for len(n.stalled) > 0 {
			<-n.stalled // the timed-out requests of js-asks
		}
		js.page.Eval(t, "H.stalled.length = 0", nil)
		js.page.Eval(t, fmt.Sprintf("(window.pending = H.request('ask', %s, 'stall'), true)", mustJSON(n.id)), nil)
		if from := recvWithin(t, n.stalled, "the stalled request"); from != js.id {
			t.Fatalf("stalled request from %s", from)
		}
		errc := make(chan error, 1)
		go func() {
			_, err := n.ask.Request(context.Background(), js.id, "stall", nil)
			errc <- err
		}()
		eventually(t, "the page's handler to stall", func() bool {
			return browsertest.EvalAs[int](t, js.page, "H.stalled.length") > 0
		})
		if err := n.room.Leave(); err != nil {
			t.Fatal(err)
		}
		if err := recvWithin(t, errc, "the native request's end"); !errors.Is(err, posthorn.ErrLeft) {
			t.Errorf("native request after leaving: %v", err)
		}
		var o outcome025
		js.page.Eval(t, "window.pending", &o)
		if o.Kind != "disconnected" || o.Error != "Trystero: Trystero: peer left room" {
			t.Errorf("page request when the peer left: %+v", o)
		}
	})
	if e := browsertest.EvalAs[[]string](t, js.page, "H.errors"); len(e) != 0 {
		t.Errorf("page errors %v", e)
	}
}

// meet025 waits until the page and the native peer see each other.
func meet025(t *testing.T, js *page025, n *native025) {
	t.Helper()
	eventually(t, "the page to see the native peer join", func() bool { return containsStr(js.joined(t), n.id) })
	eventually(t, "the native peer to see the page join", func() bool {
		j, _, _ := n.snapshot()
		return containsStr(j, js.id)
	})
}

func containsStr(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// recvWithin waits for a value on ch, failing after a generous bound.
func recvWithin[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(2 * time.Minute):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestWasmMQTT025Requests: posthorn's 0.25 JS API (posthorn/v025/mqtt)
// and the real @trystero-p2p/mqtt@0.25.4, both driven by harness025.js,
// ask each other the same requests and must see the same outcomes.
func TestWasmMQTT025Requests(t *testing.T) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assetsWasm025(t, mqtt025.pkg))
	cfg := joinConfig{AppID: appID, Relays: []string{mqtt025.relay(t)}, Room: "wasm025-requests"}
	ph := openHarness(t, b, site, "posthorn", "posthorn.html")
	real := openHarness(t, b, site, "trystero", "index.html")
	ph.join(t, cfg)
	real.join(t, cfg)
	for _, p := range [][2]*page025{{ph, real}, {real, ph}} {
		eventually(t, p[0].page.Name+" to see "+p[1].page.Name+" join", func() bool { return containsStr(p[0].joined(t), p[1].id) })
	}
	t.Run("posthorn-asks", func(t *testing.T) { pageAsks(t, ph, real.id, real) })
	t.Run("trystero-asks", func(t *testing.T) { pageAsks(t, real, ph.id, ph) })
	t.Run("api-shape", func(t *testing.T) {
		const shape = `(() => {
  const a = H.room.makeAction('ask', {kind: 'request'})
  let redefined
  try { H.room.makeAction('ask') } catch (e) { redefined = e.message }
  let kind
  try { H.room.makeAction('k', {onRequest: () => 1}) } catch (e) { kind = e.message }
  return [a === H.actions.ask, typeof a.request, typeof a.requestMany, typeof a.onRequest,
    a.onReceiveProgress, H.actions.none.onRequest, 'send' in a, redefined, kind].join()
})()`
		got := browsertest.EvalAs[string](t, ph.page, shape)
		want := browsertest.EvalAs[string](t, real.page, shape)
		if got != want {
			t.Errorf("posthorn's request action %q, Trystero's %q", got, want)
		}
	})
	t.Run("trystero-leaves", func(t *testing.T) {
		real.page.Eval(t, "H.stalled.length = 0", nil)
		ph.page.Eval(t, fmt.Sprintf("(window.pending = H.request('ask', %s, 'stall'), true)", mustJSON(real.id)), nil)
		eventually(t, "trystero's handler to stall", func() bool {
			return containsStr(browsertest.EvalAs[[]string](t, real.page, "H.stalled"), ph.id)
		})
		real.page.Eval(t, "H.leave()", nil)
		var o outcome025
		ph.page.Eval(t, "window.pending", &o)
		if o.Kind != "disconnected" || o.Error != "Trystero: Trystero: peer left room" {
			t.Errorf("posthorn's request when the peer left: %+v", o)
		}
	})
	for _, p := range []*page025{ph, real} {
		if e := browsertest.EvalAs[[]string](t, p.page, "H.errors"); len(e) != 0 {
			t.Errorf("%s: page errors %v", p.page.Name, e)
		}
	}
}
