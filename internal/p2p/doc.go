// Package p2p is the dialer side of libp2p that a Waku light client needs,
// in one implementation for the native and the browser (GOOS=js) builds:
// a WebSocket (internal/ws: coder/websocket natively, the browser's
// WebSocket under js/wasm), multistream-select 1.0 (go-multistream), noise XX with
// the libp2p handshake payload (flynn/noise; our identity is an ed25519
// key, the peer's may be ed25519 or secp256k1) and mplex (mplex.go, the
// dialer's side of the spec). Keys, peer ids and multiaddrs are parsed
// here for just the forms used, with protowire and the standard library:
// go-libp2p's core and the protobuf runtime would double the size of the
// browser build. There is no listener, transport
// upgrader, peerstore or swarm: a Conn is one connection to one peer whose
// multiaddr ends in /p2p/<id>. The peer may open streams back on it (a Waku
// service node pushes each filtered message on a new stream); a Conn
// answers those for the protocols it was given handlers for, and always for
// identify and ping, which go-libp2p and js-libp2p nodes run on every
// connection.
package p2p
