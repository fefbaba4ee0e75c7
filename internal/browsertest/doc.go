// Package browsertest runs headless Chromium for posthorn's browser tests.
//
// Tests that use it run inside scripts/in-netns (a network namespace with only
// the loopback interface): Launch skips outside it, and skips when no Chromium
// binary is installed. Chromium is started with
// --allow-loopback-in-peer-connection, without which it gathers no ICE
// candidates on lo, and with fake media devices, so pages can open WebRTC
// sessions and camera streams with no hardware and no network.
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
