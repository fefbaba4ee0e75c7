//go:build js && wasm

// Command nostr is posthorn-nostr.wasm: the Nostr strategy (trystero/nostr)
// exported to JavaScript. The dist/ loader instantiates it; see
// dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/nostr"
)

func main() {
	// The default instance: the page's one selfId, Trystero's relays.
	jsapi.Export(nostr.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "nostr")
	select {} // serve JS calls until the page goes away
}
