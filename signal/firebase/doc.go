// Package firebase is Trystero 0.18's Firebase strategy (protocol-0.18
// §7.4): rooms live in a Firebase Realtime Database, whose URL is the
// appId. Each peer keeps a presence node <rootPath>/<roomId>/<peerId> =
// {"_": true}; the peers already in a room offer to each newcomer that
// appears after they read the room, and every signal (offer or answer, then
// each ICE candidate: this strategy trickles) is pushed under
// <rootPath>/<roomId>/<recipient>/<sender>/<pushId> as the JSON string of
// the simple-peer signal, or with a password the envelope of that string.
// The recipient consumes and deletes it.
//
// # Transport: the database's WebSocket protocol
//
// posthorn speaks the Realtime Database's own WebSocket protocol (what the
// Firebase SDKs speak, internal/rtdb) rather than its REST API with
// Server-Sent Events. The reason is presence: the WebSocket protocol has
// server-side onDisconnect writes, so when a process is killed, a tab
// closes or a network drops, the server removes our presence node and the
// signals we left in others' mailboxes, exactly as for a JS peer. REST has
// no onDisconnect; a dead peer's node would stay until someone cleaned it,
// and peers joining later would offer to it in vain. The same Go client
// runs natively and in the browser (internal/ws: coder/websocket natively,
// the browser's WebSocket under js/wasm), and it is what firebase-server,
// the offline stand-in the tests run, understands.
//
// # Differences from Trystero 0.18 (invisible to JS peers)
//
//   - Simultaneous joins. A 0.18 newcomer ignores the peers already in its
//     first read of the room, expecting them to offer. Two peers that join
//     at the same instant can each find the other in that read and wait
//     forever, or each see the other appear later and both offer. posthorn
//     offers to a peer of its first read that has not offered within
//     SilentPeerDelay, and two crossing offers are settled by the engine's
//     glare rule, so such a pair connects exactly once.
//   - Presence means the "_" member. A departed peer's node can come back
//     as bare mailboxes when signals reach it late; 0.18 takes it for a
//     newcomer (and getOccupants lists it), posthorn ignores it.
//   - Reconnection. A dropped database connection is redialled with a
//     backoff; on each connection the presence node is written again and
//     the room read afresh.
//   - Several databases. Config.RelayURLs, when set, lists the database
//     URLs to use instead of AppID, like the other strategies' relay lists;
//     the room then lives in each.
//   - Bounds. A server message (a room snapshot is one) over 8 MiB drops the
//     connection; every signal is processed once and deleted.
//
// The browser build's firebaseApp option (an initialised Firebase JS app)
// is handled by the JS bridge (jsapi); this package always talks to the
// database itself.
package firebase
