//go:build js && wasm

// Command mqtt is posthorn-mqtt.wasm: the MQTT strategy (trystero/mqtt)
// exported to JavaScript. The dist/ loader instantiates it; see
// dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/mqtt"
)

func main() {
	// The default instance: the page's one selfId, Trystero's relays.
	jsapi.Export(mqtt.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "mqtt")
	select {} // serve JS calls until the page goes away
}
