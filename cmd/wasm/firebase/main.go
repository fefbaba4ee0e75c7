//go:build js && wasm

// Command firebase is posthorn-firebase.wasm: the Firebase strategy
// (trystero/firebase) exported to JavaScript. The dist/ loader instantiates
// it; see dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/firebase"
)

func main() {
	// The default instance: the page's one selfId.
	jsapi.Export(firebase.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "firebase")
	select {} // serve JS calls until the page goes away
}
