//go:build js && wasm

// Command nostr is posthorn-nostr.wasm: the Nostr strategy (trystero/nostr)
// exported to JavaScript, with Trystero 0.18's API and 0.25's. The dist/
// loader instantiates it; see dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/nostr"
)

func main() {
	// The default instance: the page's one selfId, Trystero's relays; the
	// 0.18 API (trystero/nostr) and the 0.25 one (@trystero-p2p/nostr).
	jsapi.Export(nostr.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "nostr", jsapi.With025(relays.Nostr.URLs), jsapi.WithRelayPause025())
	select {} // serve JS calls until the page goes away
}
