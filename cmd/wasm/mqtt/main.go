//go:build js && wasm

// Command mqtt is posthorn-mqtt.wasm: the MQTT strategy (trystero/mqtt)
// exported to JavaScript, with Trystero 0.18's API and 0.25's. The dist/ loader instantiates it; see
// dist/README.md.
package main

import (
	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/v025/relays"
	"github.com/posthorn/posthorn/jsapi"
	"github.com/posthorn/posthorn/signal/mqtt"
)

func main() {
	// The default instance: the page's one selfId, Trystero's relays; the
	// 0.18 API (trystero/mqtt) and the 0.25 one (@trystero-p2p/mqtt).
	jsapi.Export(mqtt.New(&posthorn.Options{SelfID: jsapi.SharedSelfID()}), "mqtt", jsapi.With025(relays.MQTT.URLs))
	select {} // serve JS calls until the page goes away
}
