// Package jsapi exports Trystero 0.18's JavaScript API (seed README, "API")
// from a GOOS=js GOARCH=wasm build, over the Go API of packages room and
// signal. A cmd/wasm/<strategy> program calls Export with its strategy and
// blocks; the dist/ loader modules instantiate it and re-export the module
// object as `joinRoom`, `selfId` and `getRelaySockets`, so
//
//	import {joinRoom, selfId} from 'posthorn'
//
// works like `from 'trystero'`.
//
// Rules the bridge keeps:
//
//   - A js.FuncOf callback never blocks: anything that waits (joining,
//     sending, pinging, reading a Blob, leaving) runs on a goroutine and
//     settles a Promise, as the seed's async functions do. Under Node a
//     blocked callback deadlocks; in a browser it stalls the page.
//   - Errors are JS Error objects with the seed's exact messages
//     (protocol-0.18 §5.7). Like room.js, whose sender is an async function, the
//     sender's argument checks reject its Promise; makeAction and joinRoom
//     throw synchronously.
//   - Messages are converted whole; the per-chunk path stays in package
//     peer's _js.go files.
//
// Known differences from trystero@0.18.0, all documented in dist/README.md:
// received binary data is an ArrayBuffer (as the seed README says; 0.18's
// code hands over a Uint8Array); getRelaySockets() maps URLs to
// {url, readyState} snapshots rather than WebSocket objects; ping() rejects
// for an unknown peer instead of waiting forever; makeAction refuses the
// internal action names.
package jsapi
