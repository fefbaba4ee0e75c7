// Package ipfs is Trystero 0.18's "ipfs" strategy, which is Waku
// (docs/protocol-0.18.md §7.5): every peer is a light client of a Waku
// service node, publishes with LightPush and receives through a Filter
// subscription to the room's content topics, trystero/<appId>/<roomId>
// (announcements, payload = the raw selfId) and
// trystero/<appId>/<roomId>/<selfId> (the JSON offers and answers), on the
// pubsub topic /waku/2/default-waku/proto; messages are version 0 and
// ephemeral. The room logic is the engine's topic strategy
// (internal/engine Topics), as for nostr and mqtt.
//
// Config.RelayURLs are the service nodes' multiaddrs, e.g.
// /ip4/127.0.0.1/tcp/60000/ws/p2p/12D3Koo…, what a JS page passes to
// @waku/sdk as bootstrap peers in libp2pConfig. Without them a room uses
// the first of DefaultRelayURLs, the nodes @waku/sdk 0.0.22 bootstraps
// from (it picks one at random). The client is internal/waku over
// internal/p2p (WebSocket, noise, mplex), the same Go code natively and in
// the browser build.
//
// An instance holds one connection per service node, shared by its rooms
// as @waku/sdk's one light node per page is (the node pushes by peer id);
// it subscribes each room's two topics there and hands each push to the
// room of its content topic. A lost connection is dialled again after the
// instance's reconnect policy's waits, and every room subscribes and
// announces again. The subscriptions are pinged every minute, so a node
// that forgot them (a restart behind a proxy that kept the connection) is
// noticed and the connection renewed.
package ipfs
