//go:build js && wasm

// Command ipfs is posthorn-ipfs.wasm: the ipfs strategy (trystero/ipfs,
// which is Waku) exported to JavaScript. The dist/ loader instantiates it;
// see dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/ipfs"
)

func main() {
	// The default instance: the page's one selfId.
	jsapi.Export(ipfs.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "ipfs")
	select {} // serve JS calls until the page goes away
}
