// Package browsertest runs headless Chromium and Firefox for posthorn's
// browser tests.
//
// Tests that use it run inside scripts/in-netns (a network namespace with only
// the loopback interface): Launch and LaunchKind skip outside it, and skip
// when the browser is not installed (Debian's chromium and firefox-esr,
// which scripts/deps installs). ForEach runs a test once per browser as
// subtests named "chromium" and "firefox", so a failure names the browser;
// ParseKind maps a -browser flag to a Kind.
//
// Chromium is driven over CDP with chromedp. Firefox no longer speaks CDP,
// so it is driven over WebDriver BiDi by a small client in this package
// (bidi.go) on github.com/coder/websocket, rather than puppeteer-core under
// Node: the tests stay in Go, one Page API serves both browsers with the
// same Eval/WaitFor/console/screenshot semantics, and nothing more needs
// installing. Playwright's Firefox needs its own patched build, which cannot
// be downloaded here.
//
// Chromium is started with --allow-loopback-in-peer-connection, without
// which it gathers no ICE candidates on lo, and with fake media devices.
// Firefox gets the same from prefs in a fresh profile (FirefoxPrefs): camera
// and microphone granted (without that it gathers only a "default" address,
// which needs a route), loopback candidates as plain addresses, fake media;
// and everything that would reach for the network on its own (updates,
// telemetry, experiments, captive portal, safe browsing, remote settings)
// switched off. So pages can open WebRTC sessions and camera streams with
// no hardware and no network, across both browsers.
//
// Every page's console messages and uncaught exceptions go to the test log,
// prefixed with the page's name; a failed test leaves a screenshot of each of
// its pages in the artefacts folder (see ArtefactsDir).
//
// It is native only (chromedp does not build for js/wasm): every file but
// this one has //go:build !js.
//
// Serve starts a static file server on 127.0.0.1 for the pages' scripts and
// wasm modules.
package browsertest
