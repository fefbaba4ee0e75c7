//go:build js && wasm

// Command torrent is posthorn-torrent.wasm: the BitTorrent strategy
// (trystero/torrent, the package default) exported to JavaScript. The
// dist/ loader instantiates it; see dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/torrent"
)

func main() {
	// The default instance: the page's one selfId, Trystero's trackers.
	jsapi.Export(torrent.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "torrent")
	select {} // serve JS calls until the page goes away
}
