// Package peer is one WebRTC session with the semantics of simple-peer-light
// 9.10.0 as Trystero 0.18 uses it (protocol-0.18 §4): exactly one ordered, reliable,
// binary-only data channel created by the initiator, non-trickle or trickle ICE,
// sticky initiator role with the renegotiate/transceiverRequest dance for media,
// and simple-peer's connect/close rules.
//
// The package builds natively over pion/webrtc's full stack and under
// GOOS=js GOARCH=wasm over the browser's RTCPeerConnection, called directly
// through syscall/js (pion is not linked into the browser build). The
// negotiation code is shared and drives an rtcConn with W3C names (sdp types
// and states as strings): rtc.go wraps pion's PeerConnection, rtc_js.go the
// browser's. Everything else that touches the data channel, ICE candidates or
// media is split the same way into a native file (//go:build !js) and a
// browser twin (*_js.go).
//
// Concurrency model: every remote signal, every state event and every
// negotiation step runs on one serial queue per peer (the stand-in for the JS
// event loop), so simple-peer's state machine is kept as is. Callbacks coming
// from the browser never block: they only enqueue.
package peer
