//go:build !js

// Package waku is a small Waku service node: the part of the Waku network
// that Trystero 0.18's ipfs strategy needs, and nothing else. Light clients
// (@waku/sdk 0.0.22, posthorn's signal/ipfs) connect over libp2p on a plain
// WebSocket with noise and mplex, publish with LightPush and receive with
// Filter v2; the node hands every LightPush message straight to the Filter
// subscribers of its content topic on the default pubsub topic
// /waku/2/default-waku/proto. There is no relay (gossipsub) network behind
// it, no store and no discovery: clients put one of Multiaddrs in their
// bootstrap list. docs/protocol-0.18.md §7.5.1 describes the wire.
//
// Every resource a remote peer can make the node hold is bounded (Options):
// connections in total and per address, content topics per peer and per
// request, frame size, request rate per peer, and queued pushes in bytes per
// subscriber. A peer's subscriptions end when its last connection closes.
//
// The package builds for servers only (not GOOS=js): go-libp2p does not
// compile to wasm, and nothing under cmd/wasm may import it.
package waku
