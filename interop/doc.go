// Package interop holds posthorn's interoperability tests against the real
// trystero@0.18.0 JS library, run in headless Chromium and Firefox
// (internal/browsertest) inside the loopback-only test namespace:
//
//	scripts/in-netns go test -count=1 ./interop/
//
// The npm fixture in js/ pins trystero and esbuild (scripts/deps installs it
// with npm ci); the tests bundle trystero's strategy entry points
// (trystero/torrent, /nostr, /mqtt) into browser ES modules with esbuild and
// load them, with js/harness.js, into test pages. posthorn's wasm builds
// (cmd/wasm/<strategy>) are compiled from the working tree and served with
// copies of dist/'s loader modules. Relays are posthorn's own Go relays
// (relay/tracker, relay/nostrrelay, relay/mqttbroker) on 127.0.0.1.
//
// Every strategy (kit_*_test.go) runs the same scenarios (suite_test.go):
// JS↔JS, JS↔native Go peer and JS↔wasm page in both join orders, passwords
// (same and different) for every pairing, media both ways, and a room of
// three (JS, wasm, native). Trystero pages run in both browsers against
// native peers, and every case with a wasm page runs for each pairing of
// browsers (browserPairs: each alone, then Trystero in one and posthorn in
// the other; passwords and the trio leave out both-in-Firefox); JS↔JS
// stays in Chromium, it only proves the harness. Members join one after another: each joins once
// the relay has passed on the previous one's announcement (joinAnnounced).
// TestGlare does the opposite on purpose: a gate holds the announcements
// until both members are subscribed, so that both offer (protocol-0.18 §4.5).
//
// TestMQTT025, TestNostr025 and TestTorrent025 (v025_test.go) do the same
// for Trystero 0.25: a page of the real @trystero-p2p/mqtt, nostr or
// torrent@0.25.4 (js025/, bundled with esbuild, driven by
// js025/harness025.js) and a native posthorn peer on Protocol025, through
// the Go broker, relay or tracker, in both
// join orders, with either side leading, with and without a password, and
// with different passwords; then through a third-party relay (npm aedes,
// @nostr-relay, bittorrent-tracker: scripts/npm-*), one join order with a
// password and one with different passwords. TestWasmMQTT025,
// TestWasmNostr025 and TestWasmTorrent025 (wasm025_test.go) meet
// posthorn's posthorn/v025/<strategy> page with the real one.
//
// Page console lines and native peers' logs go to the test log;
// native peers log their debug records too (printed only for a failed test),
// relays theirs with POSTHORN_INTEROP_DEBUG=1. A failed test leaves page
// screenshots in artefacts/ (see browsertest.ArtefactsDir).
package interop
