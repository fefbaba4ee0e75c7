// Package nostr is Trystero 0.18's Nostr strategy (protocol-0.18 §7.2): peers
// meet through Nostr relays, with kind-29333 events tagged
// [["x", "trystero/<appId>/<roomId>[/<peerId>]"]] carrying the announcements,
// offers and answers of the topic strategy (internal/engine).
//
// Events are signed with BIP-340 (go-nostr) over the NIP-01 id, which is
// hashed over exactly JSON.stringify's bytes; they are written in Trystero's
// member order. The relay connection is internal/socket (one
// reconnecting WebSocket per relay URL, shared by the instance's rooms, the
// same code natively and under js/wasm); go-nostr's own relay client is not
// used because it cannot run in a browser.
//
// Per room and relay: ["REQ", rootSub, {"kinds":[29333],"since":…,"#x":[root]}]
// and the same for the self topic (64-character ids), then the announcement;
// again after every reconnection. Incoming events are routed by
// subscription id and, unlike Trystero, checked: kind, x tag equal to the
// subscription's topic (a relay that ignores tag filters cannot confuse us)
// and id and signature. Each offer or answer goes to exactly one relay, the
// one its trigger came from. Leaving sends ["CLOSE", sub] for both
// subscriptions and keeps the sockets.
//
// Differences from 0.18, invisible to JS peers: sockets reconnect;
// announcements repeat (every 33 s and after each reconnection); the REQ's
// since is now − 60 s to tolerate clock skew; a subscription the relay
// CLOSEs is asked for again after a backoff (not after "auth-required:",
// "restricted:" or "blocked:"); offers are deduplicated, glare makes one
// connection and attempts expire (see internal/engine).
//
// Password: JS 0.18 nostr answerers cannot decrypt offers (protocol-0.18 §3). A
// posthorn offerer still encrypts its offer (no plaintext SDP on relays),
// then re-announces shortly after on that relay if unanswered, so the JS
// peer, having failed and forgotten us, becomes the offerer; see
// internal/engine, "Nostr 0.18 password bug". Offers received must decrypt.
//
// With Config.Protocol set to posthorn.Protocol025 a room speaks the nostr
// strategy of @trystero-p2p/nostr 0.25 instead (protocol-0.25 §6, §11.2):
// hashed topics, each with its own event kind (20000 + sum of its UTF-16
// code units mod 10000), one subscription per room and relay listing the
// self topic then the root topic and their kinds, events in 0.25's member
// order, {"peerId":…} announcements, the smaller id offering and the larger
// one nudging, trickled candidates, everything sealed with AES-GCM, and
// 0.25.4's default relays shuffled with the appId as seed. The checks on
// incoming events (kind of the x tag's topic, id, signature) stay.
package nostr
