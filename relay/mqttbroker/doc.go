// Package mqttbroker is posthorn's self-hostable MQTT broker for the MQTT
// strategy (protocol-0.18 §7.3): mochi-mqtt v2 served over WebSocket as an
// http.Handler, so it can share one port and process with the other relays
// (see package relay).
//
// Clients connect with the WebSocket subprotocol "mqtt" and speak MQTT 3.1,
// 3.1.1 or 5 in binary messages; an MQTT packet may span messages and a
// message may hold several packets (MQTT 5.0 §6.0). Every client is
// anonymous and may publish and subscribe to any topic, like the public
// brokers Trystero uses by default; Config bounds what one client and the
// whole broker may consume.
package mqttbroker
