// Package mqtt is Trystero 0.18's MQTT strategy (protocol-0.18 §7.3): peers
// announce their id on the room's root topic of an MQTT broker reached over
// WebSocket, the existing members offer to newcomers on their self topic,
// and answers come back the same way.
//
// The transport is paho.golang's core client (MQTT 5, see Client) over
// coder/websocket's NetConn, so the same code runs natively and in the
// browser (GOOS=js).
package mqtt
