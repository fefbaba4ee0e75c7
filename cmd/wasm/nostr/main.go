//go:build js && wasm

// Command nostr is posthorn-nostr.wasm: the Nostr strategy (trystero/nostr)
// exported to JavaScript. The dist/ loader instantiates it; see
// dist/README.md.
package main

import (
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/nostr"
)

func main() {
	// The default instance: peer id signal.SelfID, Trystero's relays.
	jsapi.Export(nostr.New(nostr.Options{}), "nostr")
	select {} // serve JS calls until the page goes away
}
