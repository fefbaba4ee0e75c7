//go:build !js

package interop

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/engine"
)

// TestGlare forces the duplicate-connection trap of protocol-0.18 §4.5 between
// real Trystero and posthorn: a gate in front of the Nostr relay holds every
// announcement until both members have subscribed, so each hears the other
// and both offer. Trystero answers every offer; if posthorn answered too,
// the pair would make two connections, and JS and Go could each register a
// different one and lose each other's data. The whole pair scenario must
// pass: posthorn lets one offer win (internal/engine glareLocked), with
// both outcomes of its id tie-break forced on the native side.
func TestGlare(t *testing.T) {
	e := newEnv(t)
	k := kitNamed(t, "nostr")
	relay := k.relay(t)
	const low, high = "0000000000000000000a", "zzzzzzzzzzzzzzzzzzzz"
	nativeAs := func(id string) joinFunc {
		return func(t *testing.T, name string, cfg joinConfig) member {
			return joinNative(t, "native-"+name, cfg, func(_ string, log *slog.Logger) joiner { return k.native(id, log) })
		}
	}
	wasm := func(b browsertest.Kind) joinFunc {
		return func(t *testing.T, name string, cfg joinConfig) member {
			return joinPage(t, e.b[b], e.s, pageName("wasm", b, name), posthornLib(t, k.wasmName()), cfg)
		}
	}
	for _, tc := range []struct {
		name  string
		other joinFunc
	}{
		{"native-lower-id", nativeAs(low)},   // posthorn's offer wins
		{"native-higher-id", nativeAs(high)}, // Trystero's offer wins
		{"wasm", wasm(browsertest.Chromium)},
		{"wasm-firefox", wasm(browsertest.Firefox)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := joinConfig{AppID: appID, Room: "glare-" + tc.name}
			cfg.Relays = []string{newAnnounceGate(t, relay, engine.RootTopic(appID, cfg.Room), 2)}
			js := joinPage(t, e.b[browsertest.Chromium], e.s, "js-1", k.jsLib, cfg)
			ph := tc.other(t, "2", cfg)
			// posthorn sends first: before any data from JS could show it
			// which connection JS registered.
			pair(t, ph, js)
		})
	}
}

// kitNamed returns the kit called name.
func kitNamed(t testing.TB, name string) kit {
	i := slices.IndexFunc(kits, func(k kit) bool { return k.name == name })
	if i < 0 {
		t.Fatalf("no kit %q", name)
	}
	return kits[i]
}

// announceGate is a WebSocket proxy in front of a Nostr relay that holds
// every event tagged with root (an announcement, protocol-0.18 §7.2) until need
// connections have a subscription to root in place (the relay sent its
// EOSE). Everything else passes at once, in order per connection.
type announceGate struct {
	upstream, root string
	need           int

	mu   sync.Mutex
	have int
	open chan struct{}
}

// newAnnounceGate serves the gate on loopback until t ends and returns its
// ws:// URL.
func newAnnounceGate(t testing.TB, upstream, root string, need int) string {
	g := &announceGate{upstream: upstream, root: root, need: need, open: make(chan struct{})}
	return serveRelay(t, g, "", func() error { return nil })
}

func (g *announceGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The pages' origin is the test site's; the gate is another loopback port.
	down, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer down.CloseNow()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	up, _, err := websocket.Dial(ctx, g.upstream, nil)
	if err != nil {
		return
	}
	defer up.CloseNow()
	down.SetReadLimit(1 << 20)
	up.SetReadLimit(1 << 20)

	var mu sync.Mutex
	rootSubs := map[string]bool{} // this connection's subscriptions to root
	counted := false
	go func() {
		defer cancel()
		for {
			typ, data, err := up.Read(ctx)
			if err != nil {
				return
			}
			if kind, sub := nostrFrame(data); kind == "EOSE" {
				mu.Lock()
				count := rootSubs[sub] && !counted
				counted = counted || count
				mu.Unlock()
				if count {
					g.subscribed()
				}
			}
			if down.Write(ctx, typ, data) != nil {
				return
			}
		}
	}()
	for {
		typ, data, err := down.Read(ctx)
		if err != nil {
			return
		}
		switch kind, arg := nostrFrame(data); {
		case kind == "REQ" && g.filtersRoot(data):
			mu.Lock()
			rootSubs[arg] = true
			mu.Unlock()
		case kind == "EVENT" && g.taggedRoot(data):
			select {
			case <-g.open:
			case <-ctx.Done():
				return
			}
		}
		if up.Write(ctx, typ, data) != nil {
			return
		}
	}
}

func (g *announceGate) subscribed() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.have++; g.have == g.need {
		close(g.open)
	}
}

// nostrFrame returns a client or relay message's type and, when it is a
// string, its second element (a subscription id).
func nostrFrame(data []byte) (kind, arg string) {
	var msg []json.RawMessage
	if json.Unmarshal(data, &msg) != nil || len(msg) < 2 {
		return "", ""
	}
	json.Unmarshal(msg[0], &kind)
	json.Unmarshal(msg[1], &arg)
	return kind, arg
}

// filtersRoot reports whether a REQ has a filter on tag x = root.
func (g *announceGate) filtersRoot(data []byte) bool {
	var msg []json.RawMessage
	json.Unmarshal(data, &msg)
	for _, raw := range msg[min(2, len(msg)):] {
		var f struct {
			X []string `json:"#x"`
		}
		if json.Unmarshal(raw, &f) == nil && slices.Contains(f.X, g.root) {
			return true
		}
	}
	return false
}

// taggedRoot reports whether an EVENT carries the tag x = root.
func (g *announceGate) taggedRoot(data []byte) bool {
	var msg []json.RawMessage
	if json.Unmarshal(data, &msg) != nil || len(msg) != 2 {
		return false
	}
	var ev struct {
		Tags [][]string `json:"tags"`
	}
	json.Unmarshal(msg[1], &ev)
	return slices.ContainsFunc(ev.Tags, func(tag []string) bool {
		return len(tag) >= 2 && tag[0] == "x" && tag[1] == g.root
	})
}
