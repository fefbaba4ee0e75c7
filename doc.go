// Package room is posthorn's portable heart: the equivalent of Trystero 0.18's
// src/room.js. A Room holds the connected peers of one namespace, the named
// actions sent over their data channels (wire-0.18 §5), ping/pong, the
// post-connect signalling channel and media metadata (§4.6, §6).
//
// A signalling strategy (package signal/...) creates the Room and hands every
// peer connection to it with AddPeer once that connection has connected
// (§4.4). Everything after that, including renegotiation signals, travels over
// the peer's data channel and is handled here.
//
// # Concurrency
//
// All methods are safe for concurrent use. Callbacks (OnPeerJoin, OnReceive,
// ...) are never invoked while the Room holds one of its locks, so they may
// call back into the Room. Data callbacks of one connection run in the order
// the chunks arrived; callbacks for different peers may run concurrently.
//
// # Duplicate connections (wire-0.18 §4.5)
//
// If a second connection for an already registered peer id is added, it is
// kept (never closed by the Room: the remote may have registered that one) but
// it does not fire onPeerJoin. Data arriving on ANY connection of the peer is
// accepted, each connection having its own reassembly state. Sends to the peer
// go to the connection on which that peer's data last arrived, defaulting to
// the first connection. When the duplicate connects, the Room pings the peer
// on every connection (a probe): a JS peer answers only on the connection it
// registered, so sends move there before the user sends anything, and the
// probe's pongs are not mistaken for answers to Ping. onPeerLeave fires when
// the last connection of the peer has closed, or when the connections left
// have never carried the peer's data: a JS peer's unregistered duplicate
// stays open after it leaves, so the Room closes such connections then.
package posthorn
