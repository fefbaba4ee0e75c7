// Package browser holds posthorn's browser tests: the wasm bundles from
// cmd/wasm, loaded through the dist/ ES modules into headless Chromium and
// Firefox pages (internal/browsertest), meet each other and native Go peers
// in rooms on the Go relays (relay/tracker, and relay/nostrrelay and
// relay/mqttbroker for the other bundles), and exercise Trystero 0.18's JS
// API as its README writes it, including a relay restart and a dead relay
// for every strategy. Every test runs in each browser (subtests "chromium"
// and "firefox"); TestMixedBrowsers puts a Chromium page and a Firefox page
// in one room. They run inside scripts/in-netns:
//
//	scripts/in-netns go test -count=1 ./browser/
//
// BenchmarkStartJoinPing runs in each browser; the other benchmarks in the
// one that -browser or $POSTHORN_BROWSER names (chromium by default):
//
//	scripts/in-netns go test -run '^$' -bench Transfer ./browser/ -args -browser firefox
//
// The wasm is built once per test binary from the working tree into a
// temporary copy of dist/, so the tests always check the current code.
package browser
