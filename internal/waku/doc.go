// Package waku is the light-client side of the Waku v2 protocols that
// Trystero 0.18's ipfs strategy uses through @waku/sdk 0.0.22
// (docs/protocol-0.18.md §7.5): LightPush 2.0.0-beta1 to publish, Filter
// 2.0.0-beta1 to subscribe to content topics and to receive the messages
// a service node pushes, each on a new stream it opens to the client. The
// messages are protobufs (WakuMessage, PushRPC, FilterSubscribeRequest and
// Response, MessagePush) in unsigned-varint length-prefixed frames,
// encoded here with protowire, field numbers as in @waku/proto 0.0.5. The
// libp2p connection is internal/p2p.
package waku
