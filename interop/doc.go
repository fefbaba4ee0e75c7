// Package interop holds posthorn's interoperability tests against the real
// trystero@0.18.0 JS library, run in headless Chromium (internal/browsertest)
// inside the loopback-only test namespace (scripts/in-netns).
//
// The npm fixture in js/ pins trystero and esbuild (installed by scripts/deps
// with npm ci); the tests bundle trystero's strategy entry points
// (trystero/torrent, /nostr, /mqtt) into browser ES modules and load them,
// with js/harness.js, into test pages. Relays are posthorn's own Go relays on
// 127.0.0.1. Peers of three kinds meet in rooms: JS Trystero pages, native Go
// peers (signal/*) and pages running posthorn's wasm build.
package interop
