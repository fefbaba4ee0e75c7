//go:build !js

package interop

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
	"github.com/posthorn/posthorn/relay/nostrrelay"
	"github.com/posthorn/posthorn/relay/tracker"
	"github.com/posthorn/posthorn/signal/mqtt"
	"github.com/posthorn/posthorn/signal/nostr"
	"github.com/posthorn/posthorn/signal/torrent"
	"github.com/posthorn/posthorn/transfer"
)

// The 0.25 interop: a page of a real @trystero-p2p/<strategy>@0.25.4
// package (js025/, pinned by its package-lock.json) in headless Chromium and
// a native posthorn peer on Protocol025 meet through posthorn's own relay
// for that strategy on loopback, and through a third-party one (protocol-0.25
// §6, §7, §9, §11).

// strategy025 is one strategy of the 0.25 interop.
type strategy025 struct {
	// pkg is the npm package's name under @trystero-p2p.
	pkg string
	// relay starts posthorn's relay for the strategy and returns its URL.
	relay func(t *testing.T) string
	// thirdParty is a relay for the strategy that is not posthorn's (the
	// npm fixtures of the 0.18 interop, scripts/npm-*).
	thirdParty relay025
	// native makes a native strategy instance.
	native func(opts *posthorn.Options) native025Strategy
}

// relay025 is a named relay: start starts it and returns its URL.
type relay025 struct {
	name  string
	start func(t *testing.T) string
}

// native025Strategy is what the tests need of a strategy instance.
type native025Strategy interface {
	joiner
	Close()
}

var (
	mqtt025 = strategy025{
		pkg: "mqtt",
		relay: func(t *testing.T) string {
			srv := mqttbroker.New(mqttbroker.Config{Logger: relayLogger(t, "broker")})
			return serveRelay(t, srv, "/mqtt", srv.Close)
		},
		thirdParty: relay025{"aedes", func(t *testing.T) string {
			return strategytest.NodeFixture{Dir: "npm-aedes", Script: "broker.js", Module: "aedes", URLPath: "/mqtt"}.Start(t).URL
		}},
		native: func(o *posthorn.Options) native025Strategy { return mqtt.New(o) },
	}
	nostr025 = strategy025{
		pkg: "nostr",
		relay: func(t *testing.T) string {
			srv := nostrrelay.New(nostrrelay.Config{Logger: relayLogger(t, "relay")})
			return serveRelay(t, srv, "", srv.Close)
		},
		thirdParty: relay025{"npm-nostr-relay", func(t *testing.T) string {
			return strategytest.NodeFixture{Dir: "npm-nostr-relay", Script: "relay.js", Module: "@nostr-relay/core"}.Start(t).URL
		}},
		native: func(o *posthorn.Options) native025Strategy { return nostr.New(o) },
	}
	torrent025 = strategy025{
		pkg: "torrent",
		relay: func(t *testing.T) string {
			srv := tracker.New(tracker.Config{Logger: relayLogger(t, "tracker")})
			return serveRelay(t, srv, "", srv.Close)
		},
		thirdParty: relay025{"bittorrent-tracker", func(t *testing.T) string {
			return strategytest.NodeFixture{Dir: "npm-tracker", Script: "tracker.js", Module: "bittorrent-tracker"}.Start(t).URL
		}},
		native: func(o *posthorn.Options) native025Strategy { return torrent.New(o) },
	}
)

// index025HTML loads harness025.js, which imports the bundle.
const index025HTML = `<!doctype html>
<meta charset="utf-8">
<title>posthorn interop 0.25</title>
<script type="module" src="/harness025.js"></script>
<body></body>
`

// assets025 bundles @trystero-p2p/<pkg> with esbuild as trystero025.js
// into a folder with harness025.js and index.html, removed when t ends.
func assets025(t testing.TB, pkg string) string {
	t.Helper()
	esbuild, err := esbuildBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("js025", "node_modules", "@trystero-p2p", pkg)); err != nil {
		t.Fatalf("interop/js025/node_modules has no @trystero-p2p/%s: run scripts/deps (npm ci in interop/js025)", pkg)
	}
	out := t.TempDir()
	cmd := exec.Command(esbuild, "@trystero-p2p/"+pkg, "--bundle", "--format=esm", "--platform=browser",
		"--log-level=warning", "--outfile="+filepath.Join(out, "trystero025.js"))
	cmd.Dir = "js025"
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild @trystero-p2p/%s: %v\n%s", pkg, err, msg)
	}
	harness, err := os.ReadFile(filepath.Join("js025", "harness025.js"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"harness025.js": harness, "index.html": []byte(index025HTML)} {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// page025 is a page running harness025.js.
type page025 struct {
	page *browsertest.Page
	id   string
}

type record025 struct {
	Action string `json:"action"`
	ID     string `json:"id"`
	Data   any    `json:"data"`
	Meta   any    `json:"meta"`
}

type joinError025 struct {
	PeerID string `json:"peerId"`
	Error  string `json:"error"`
}

// openPage025 opens a page with the library loaded; its selfId is known
// before it joins.
func openPage025(t *testing.T, b *browsertest.Browser, site *browsertest.Server, name string) *page025 {
	t.Helper()
	p := b.NewNamedPage(t, name, site.URL+"/index.html")
	p.WaitFor(t, "window.H && H.selfId", 0)
	return &page025{page: p, id: browsertest.EvalAs[string](t, p, "H.selfId")}
}

func (m *page025) join(t *testing.T, cfg joinConfig) {
	t.Helper()
	var id string
	m.page.Eval(t, "H.join("+string(mustJSON(map[string]any{
		"appId": cfg.AppID, "password": cfg.Password, "relayUrls": cfg.Relays, "roomId": cfg.Room, "passive": cfg.Passive,
	}))+")", &id)
	if id != m.id {
		t.Fatalf("%s: joinRoom gave selfId %q, want %q", m.page.Name, id, m.id)
	}
	t.Logf("%s joined %q as %s", m.page.Name, cfg.Room, id)
}

// nativeID returns a peer id smaller (lead) or larger than other: the
// smaller id makes the offer (protocol-0.25 §6.2).
func nativeID(t *testing.T, other string, lead bool) string {
	id := "zzzz" + ids.New(ids.SelfIDLen-4)
	if lead {
		id = "0000" + ids.New(ids.SelfIDLen-4)
	}
	if (id < other) != lead {
		t.Fatalf("cannot order %s against %s", id, other)
	}
	return id
}

func (m *page025) joined(t *testing.T) []string {
	return browsertest.EvalAs[[]string](t, m.page, "H.joined")
}

func (m *page025) joinErrors(t *testing.T) []joinError025 {
	return browsertest.EvalAs[[]joinError025](t, m.page, "H.joinErrors")
}

// native025 is a native posthorn peer on Protocol025.
type native025 struct {
	id       string
	room     *posthorn.Room
	msg, bin *posthorn.Action
	// ask and none are request actions (request025_test.go): ask answers
	// as harness025.js's does, none has no handler.
	ask, none *posthorn.Action
	stalled   chan string

	mu       sync.Mutex
	joined   []string
	left     []string
	recv     []record025
	joinErrs []*posthorn.JoinError
}

func joinNative025(t *testing.T, st strategy025, name, selfID string, cfg joinConfig) *native025 {
	t.Helper()
	s := st.native(&posthorn.Options{SelfID: selfID, Logger: testLogger(t, name)})
	t.Cleanup(s.Close)
	return joinNative025On(t, s, name, cfg)
}

// joinNative025On joins cfg's room on the strategy instance s.
func joinNative025On(t *testing.T, s native025Strategy, name string, cfg joinConfig) *native025 {
	t.Helper()
	log := testLogger(t, name)
	m := &native025{id: s.SelfID()}
	r, err := s.JoinRoom(t.Context(), posthorn.Config{
		AppID: cfg.AppID, Password: cfg.Password, RelayURLs: cfg.Relays, Protocol: posthorn.Protocol025,
		RTCConfig: &webrtc.Configuration{}, Logger: log, AnnounceInterval: 2 * time.Second, Passive: cfg.Passive,
		HandshakeTimeout: cfg.HandshakeTimeout,
		OnJoinError:      func(e *posthorn.JoinError) { m.mu.Lock(); m.joinErrs = append(m.joinErrs, e); m.mu.Unlock() },
	}, cfg.Room)
	if err != nil {
		t.Fatalf("%s: JoinRoom: %v", name, err)
	}
	m.room = r
	r.OnPeerJoin(func(id string) { m.mu.Lock(); m.joined = append(m.joined, id); m.mu.Unlock() })
	r.OnPeerLeave(func(id string) { m.mu.Lock(); m.left = append(m.left, id); m.mu.Unlock() })
	if m.msg, err = r.MakeAction("msg"); err != nil {
		t.Fatal(err)
	}
	m.msg.OnReceive(func(msg transfer.Message, from string) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.recv = append(m.recv, record025{Action: "msg", ID: from, Data: string(msg.Data), Meta: string(msg.Meta)})
	})
	if m.bin, err = r.MakeAction("bin"); err != nil {
		t.Fatal(err)
	}
	m.makeRequestActions(t)
	t.Logf("%s joined %q as %s", name, cfg.Room, m.id)
	return m
}

func (m *native025) snapshot() (joined []string, recv []record025, errs []*posthorn.JoinError) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.joined), slices.Clone(m.recv), slices.Clone(m.joinErrs)
}

// TestMQTT025 pairs real @trystero-p2p/mqtt@0.25.4 and native posthorn
// through the Go MQTT broker and npm aedes (see run025).
func TestMQTT025(t *testing.T) { run025(t, mqtt025) }

// TestNostr025 pairs real @trystero-p2p/nostr@0.25.4 and native posthorn
// through the Go nostr relay and npm @nostr-relay (see run025).
func TestNostr025(t *testing.T) { run025(t, nostr025) }

// TestTorrent025 pairs real @trystero-p2p/torrent@0.25.4 and native
// posthorn through the Go tracker and npm bittorrent-tracker (see run025).
func TestTorrent025(t *testing.T) { run025(t, torrent025) }

// run025 pairs real Trystero 0.25.4 and native posthorn on the 0.25
// protocol. Through st's Go relay, with either side leading (the smaller id
// offers, the other nudges): both join orders without and with a password
// (see pair025), different passwords with either side leading (see
// mismatch025), and a page whose sends on its first connection are lost
// (see lostFirstSends025). Through st's third-party relay, to keep the
// suite's time, two runs that send an offer through it each way: the page
// joining first with a password and the native peer leading, and different
// passwords with the page leading (the native peer reports the join error).
func run025(t *testing.T, st strategy025) {
	b := browsertest.LaunchKind(t, browsertest.Chromium)
	site := browsertest.Serve(t, assets025(t, st.pkg))
	relays := []string{st.relay(t)}

	for _, pw := range []string{"", "hunter2"} {
		for _, jsFirst := range []bool{true, false} {
			for _, goLeads := range []bool{true, false} {
				name := fmt.Sprintf("password=%q/js-first=%v/go-leads=%v", pw, jsFirst, goLeads)
				t.Run(name, func(t *testing.T) {
					room := fmt.Sprintf("v025-%d-%v-%v", len(pw), jsFirst, goLeads)
					pair025(t, st, openPage025(t, b, site, "js"), joinConfig{AppID: appID, Relays: relays, Room: room, Password: pw}, jsFirst, goLeads)
				})
			}
		}
	}
	for _, goLeads := range []bool{true, false} {
		t.Run(fmt.Sprintf("wrong-password/go-leads=%v", goLeads), func(t *testing.T) {
			mismatch025(t, st, openPage025(t, b, site, "js"), relays, fmt.Sprintf("v025-wrong-%v", goLeads), goLeads)
		})
	}

	t.Run("lost-first-sends", func(t *testing.T) {
		lostFirstSends025(t, st, openPage025(t, b, site, "js"), relays)
	})

	t.Run(st.thirdParty.name, func(t *testing.T) {
		relays := []string{st.thirdParty.start(t)}
		t.Run(`password="hunter2"/js-first=true/go-leads=true`, func(t *testing.T) {
			pair025(t, st, openPage025(t, b, site, "js"), joinConfig{AppID: appID, Relays: relays, Room: "v025-3rd", Password: "hunter2"}, true, true)
		})
		t.Run("wrong-password/go-leads=false", func(t *testing.T) {
			mismatch025(t, st, openPage025(t, b, site, "js"), relays, "v025-3rd-wrong", false)
		})
	})
}

// pair025 joins js and a native peer (the smaller id if goLeads) to cfg's
// room, js first if jsFirst; they meet and talk (talk025), and whoever
// joined first leaves.
func pair025(t *testing.T, st strategy025, js *page025, cfg joinConfig, jsFirst, goLeads bool) {
	t.Helper()
	var n *native025
	if jsFirst {
		js.join(t, cfg)
		n = joinNative025(t, st, "native", nativeID(t, js.id, goLeads), cfg)
	} else {
		n = joinNative025(t, st, "native", nativeID(t, js.id, goLeads), cfg)
		js.join(t, cfg)
	}
	talk025(t, js, n, jsFirst)
}

// lostFirstSends025: the page answers the native peer's offer, but nothing
// it sends on that first connection arrives, as Chromium sometimes does to
// an answerer's first sends; the native peer refuses it when its
// handshake times out, closes the silent connection and looks for the page
// again at once (OnPeerLost): they meet on a second connection and talk.
func lostFirstSends025(t *testing.T, st strategy025, js *page025, relays []string) {
	t.Helper()
	js.page.Eval(t, "H.loseSends = 1", nil)
	cfg := joinConfig{AppID: appID, Relays: relays, Room: "v025-lost-sends", HandshakeTimeout: 2 * time.Second}
	js.join(t, cfg)
	n := joinNative025(t, st, "native", nativeID(t, js.id, true), cfg)
	eventually(t, "the native peer's handshake timeout", func() bool { _, _, e := n.snapshot(); return len(e) > 0 })
	if _, _, e := n.snapshot(); e[0].PeerID != js.id || !errors.Is(e[0], posthorn.ErrHandshake) {
		t.Errorf("native join error %v", e[0])
	}
	talk025(t, js, n, false)
}

// mismatch025 joins js (password "one") and a native peer (password
// "two", the smaller id if goLeads) to room: the side that receives the
// other's offer reports a join error naming it, and nobody joins.
func mismatch025(t *testing.T, st strategy025, js *page025, relays []string, room string, goLeads bool) {
	t.Helper()
	js.join(t, joinConfig{AppID: appID, Relays: relays, Room: room, Password: "one"})
	n := joinNative025(t, st, "native", nativeID(t, js.id, goLeads), joinConfig{AppID: appID, Relays: relays, Room: room, Password: "two"})
	if goLeads {
		eventually(t, "the page's join error", func() bool { return len(js.joinErrors(t)) > 0 })
		if e := js.joinErrors(t)[0]; e.PeerID != n.id || e.Error != "incorrect room password when decrypting offer" {
			t.Errorf("page join error %+v", e)
		}
	} else {
		eventually(t, "the native peer's join error", func() bool { _, _, e := n.snapshot(); return len(e) > 0 })
		if _, _, e := n.snapshot(); e[0].PeerID != js.id || !errors.Is(e[0], posthorn.ErrWrongPassword) {
			t.Errorf("native join error %v", e[0])
		}
	}
	time.Sleep(mismatchWindow)
	if j := js.joined(t); len(j) != 0 {
		t.Errorf("page saw %v join", j)
	}
	if j, _, _ := n.snapshot(); len(j) != 0 {
		t.Errorf("native peer saw %v join", j)
	}
}

// talk025 waits until js and n see each other join, sends a string with
// metadata each way and a binary of several chunks with metadata from n,
// pings each way, and makes one side leave (n if nLeaves): the other sees
// it leave (@_leave, protocol-0.25 §10).
func talk025(t *testing.T, js *page025, n *native025, nLeaves bool) {
	t.Helper()
	eventually(t, "the page to see the native peer join", func() bool { return slices.Contains(js.joined(t), n.id) })
	eventually(t, "the native peer to see the page join", func() bool {
		j, _, _ := n.snapshot()
		return slices.Contains(j, js.id)
	})
	js.page.Eval(t, `H.send("from js", {"n": 1})`, nil)
	eventually(t, "the native peer to receive", func() bool { _, r, _ := n.snapshot(); return len(r) > 0 })
	if _, r, _ := n.snapshot(); r[0].ID != js.id || r[0].Data != "from js" || r[0].Meta != `{"n":1}` {
		t.Errorf("native received %+v", r[0])
	}
	if err := n.msg.Send(t.Context(), "from go", &posthorn.SendOptions{Meta: map[string]int{"n": 2}}); err != nil {
		t.Fatal(err)
	}
	var got []record025
	eventually(t, "the page to receive", func() bool {
		got = browsertest.EvalAs[[]record025](t, js.page, "H.recv")
		return len(got) > 0
	})
	if got[0].ID != n.id || got[0].Data != "from go" || fmt.Sprint(got[0].Meta) != "map[n:2]" {
		t.Errorf("page received %+v", got[0])
	}
	if e := js.joinErrors(t); len(e) != 0 {
		t.Errorf("page join errors %v", e)
	}

	big := make([]byte, 100_000) // seven 0.25 chunks
	sum := 0
	for i := range big {
		big[i] = byte(i * 31)
		sum = (sum + int(big[i])) % 65521
	}
	if err := n.bin.Send(t.Context(), big, &posthorn.SendOptions{Meta: map[string]string{"name": "big"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the page to receive the binary", func() bool {
		got = browsertest.EvalAs[[]record025](t, js.page, "H.recv")
		return len(got) > 1
	})
	if b := got[1]; b.Action != "bin" || fmt.Sprint(b.Data) != fmt.Sprintf("map[size:%d sum:%d]", len(big), sum) || fmt.Sprint(b.Meta) != "map[name:big]" {
		t.Errorf("page received %+v", b)
	}

	if _, err := n.room.Ping(t.Context(), js.id); err != nil {
		t.Errorf("native ping: %v", err)
	}
	// The page's ping resolves once our pong came back (a lost pong would
	// leave it pending until Eval times out); on loopback it may take 0 ms.
	var ms float64
	js.page.Eval(t, "H.ping("+string(mustJSON(n.id))+")", &ms)
	if ms < 0 {
		t.Errorf("page ping gave %v", ms)
	}

	if nLeaves {
		if err := n.room.Leave(); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the page to see the native peer leave", func() bool {
			return slices.Contains(browsertest.EvalAs[[]string](t, js.page, "H.left"), n.id)
		})
	} else {
		js.page.Eval(t, "H.leave()", nil)
		eventually(t, "the native peer to see the page leave", func() bool {
			n.mu.Lock()
			defer n.mu.Unlock()
			return slices.Contains(n.left, js.id)
		})
	}
	if e := browsertest.EvalAs[[]string](t, js.page, "H.errors"); len(e) != 0 {
		t.Errorf("page errors %v", e)
	}
}
