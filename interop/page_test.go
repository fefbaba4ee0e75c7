//go:build !js

package interop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/chunk"
)

// joinConfig is what a member joins with.
type joinConfig struct {
	AppID    string   `json:"appId"`
	Password string   `json:"password,omitempty"`
	Relays   []string `json:"relayUrls"`
	Room     string   `json:"roomId"`
	Passive  bool     `json:"passive,omitempty"` // 0.25 only
	// HandshakeTimeout is the native 0.25 peer's (0: the default).
	HandshakeTimeout time.Duration `json:"-"`
}

// pageMember is a page running js/harness.js over a library module: a
// trystero bundle or posthorn's wasm loader.
type pageMember struct {
	page     *browsertest.Page
	id       string
	posthorn bool // lib is posthorn's wasm loader, not a trystero bundle
}

// joinPage opens a page named name on site, loads lib (a module URL path
// such as /trystero-torrent.js) and joins the room.
func joinPage(t testing.TB, b *browsertest.Browser, site *browsertest.Server, name, lib string, cfg joinConfig) *pageMember {
	t.Helper()
	p := b.NewNamedPage(t, name, site.URL+"/index.html")
	p.WaitFor(t, "window.H", 0)
	args := map[string]any{
		"lib": lib, "appId": cfg.AppID, "password": cfg.Password,
		"relayUrls": cfg.Relays, "roomId": cfg.Room,
	}
	var id string
	p.Eval(t, "H.join("+string(mustJSON(args))+")", &id)
	if id == "" {
		t.Fatalf("%s: joinRoom gave no selfId", name)
	}
	t.Logf("%s joined %q as %s", name, cfg.Room, id)
	return &pageMember{page: p, id: id, posthorn: strings.HasPrefix(lib, "/"+wasmDir+"/")}
}

func (m *pageMember) Name() string { return m.page.Name }

func (m *pageMember) ChunkPayload() int {
	if m.posthorn {
		return chunk.Framing018Send.MaxPayload()
	}
	return chunk.Framing018.MaxPayload()
}
func (m *pageMember) ID() string { return m.id }

func (m *pageMember) Joined(t testing.TB) []string {
	return browsertest.EvalAs[[]string](t, m.page, "H.joined")
}

func (m *pageMember) Left(t testing.TB) []string {
	return browsertest.EvalAs[[]string](t, m.page, "H.left")
}

func (m *pageMember) Send(t testing.TB, action string, value any, targets any) {
	t.Helper()
	m.page.Eval(t, "H.send("+js(action)+", "+js(value)+", "+js(targets)+")", nil)
}

func (m *pageMember) SendBinary(t testing.TB, action string, size int, meta any, targets any) (string, []progress) {
	t.Helper()
	var res struct {
		SHA256   string     `json:"sha256"`
		Progress []progress `json:"progress"`
	}
	m.page.Eval(t, "H.sendBinary("+js(action)+", "+js(size)+", "+js(meta)+", "+js(targets)+")", &res)
	return res.SHA256, res.Progress
}

func (m *pageMember) Received(t testing.TB) []record {
	return browsertest.EvalAs[[]record](t, m.page, "H.recv")
}

func (m *pageMember) RecvProgress(t testing.TB) []progress {
	return browsertest.EvalAs[[]progress](t, m.page, "H.recvProgress")
}

func (m *pageMember) Streams(t testing.TB) []stream {
	return browsertest.EvalAs[[]stream](t, m.page, "H.streams.map(({id, meta, stream}) => ({id, meta, streamId: stream.id, kinds: stream.getTracks().map(t => t.kind).sort()}))")
}

func (m *pageMember) Ping(t testing.TB, id string) {
	t.Helper()
	if !browsertest.EvalAs[bool](t, m.page, "H.ping("+js(id)+")") {
		t.Fatalf("%s: ping %s gave no round-trip time", m.Name(), id)
	}
}

func (m *pageMember) Leave(t testing.TB) {
	t.Helper()
	m.page.Eval(t, "H.leave()", nil)
}

// js renders v as a JavaScript literal (JSON is one; nil is null).
func js(v any) string {
	if raw, ok := v.(json.RawMessage); ok {
		return string(raw)
	}
	return string(mustJSON(v))
}
