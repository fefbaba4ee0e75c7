//go:build js && wasm

// Command torrent is posthorn-torrent.wasm: the BitTorrent strategy
// (trystero/torrent, the package default) exported to JavaScript, with
// Trystero 0.18's API and 0.25's. The dist/ loader instantiates it; see
// dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/torrent"
)

func main() {
	// The default instance: the page's one selfId, Trystero's trackers;
	// the 0.18 API (trystero/torrent) and the 0.25 one (@trystero-p2p/torrent).
	jsapi.Export(torrent.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "torrent", jsapi.With025(relays.Torrent.URLs), jsapi.WithRelayPause025())
	select {} // serve JS calls until the page goes away
}
