// Package mqtt is Trystero 0.18's MQTT strategy (protocol-0.18 §7.3): peers
// announce their id on the room's root topic of an MQTT broker reached over
// WebSocket, the existing members offer to newcomers on their self topic,
// and answers come back the same way.
//
// With Config.Protocol set to posthorn.Protocol025 a room speaks the MQTT
// strategy of @trystero-p2p/mqtt 0.25 instead (protocol-0.25 §6, §11.3):
// hashed topics, {"peerId":…} announcements, the smaller id offering and
// the larger one nudging, trickled candidates, everything sealed with
// AES-GCM, and that version's default brokers.
//
// The transport is an MQTT 3.1.1 client, like Trystero's MQTT.js: protocol
// level 4, clean session, keepalive 60 s, QoS 0, no credentials. Its packets
// are encoded and decoded by mochi-mqtt's packets package and carried by
// internal/ws (subprotocol "mqtt"; coder/websocket natively, the browser's
// WebSocket under js/wasm), so the same code runs natively and
// in the browser (GOOS=js). MQTT 3.1.1 is what every broker accepts: MQTT 5
// brokers, 3.1.1-only ones such as aedes, and managed services that never
// added MQTT 5.
package mqtt
