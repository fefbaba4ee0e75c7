// Package engine is the one connection-attempt engine every strategy uses,
// in the way go-libp2p's swarm serves every transport: a strategy only
// speaks its relays' wire format, and the engine does the rest.
//
//   - Shell is what every strategy instance does alike: its id, logger and
//     reconnect policy, the rooms joined through it (joinRoom is idempotent
//     per room id), the checks of joinRoom's arguments and the wait, bounded
//     by the caller's context, until a relay took the room's announcement.
//
//   - Session is one joined room: the posthorn.Room, the password key and
//     the connection attempts. Offer, Answer and Accept create peers, seal
//     and open session descriptions (§3), send only the first signal over
//     the relay (§4.3), cap the unconnected attempts (MaxPendingAttempts),
//     time them out (AttemptTimeout), apply the glare rule (glare.go) and
//     hand a connected peer to the room, abandoning the attempts with the
//     same peer that the remote cannot have seen (§4.5 a). The torrent
//     strategy's offer pool uses anonymous offers that an answer assigns.
//
//   - Topics is the "topic strategy" that Trystero 0.18's Nostr and MQTT
//     strategies (and its IPFS/Waku one) share on top of a Session: peers
//     meet on a plain-text root topic and exchange one offer and one answer
//     on per-peer topics (protocol-0.18 §7.2, §7.3, §8 steps 1–3).
//
//     root topic  trystero/<appId>/<roomId>            announcements: "here is my id"
//     self topic  trystero/<appId>/<roomId>/<selfId>   {"peerId":…,"offer":…} / {"peerId":…,"answer":…}
//
// A topic strategy owns the transport (Nostr events, MQTT publishes, ...) and
// feeds a Topics per room:
//
//   - Ready(ctx, relay) once the relay is (re)connected and subscribed to both
//     topics: it announces itself there, and again every
//     Config.AnnounceInterval on every ready relay;
//   - Deliver(relay, topic, payload) for every message received on the root or
//     self topic through that relay.
//
// Topics and its Session do the rest (receive rules of §7.2/§7.3):
//
//   - an announcement from a peer P that we neither are connected to nor have
//     a pending attempt with makes us the initiator: a non-trickle peer whose
//     offer is published to P's self topic on THAT relay only;
//   - on the self topic, an answer to our outstanding offer to its peerId is
//     applied; an offer creates a non-initiator whose answer is published to
//     the offerer's self topic on the same relay;
//   - with a password, the sdp member is an AES-CBC envelope (§3, internal/crypt);
//   - glare: when P offers while our offer to P is outstanding (each saw the
//     other's announcement), one offer wins and the other side answers it:
//     ours if it was answered already, otherwise the lower peer id's (§4.5 a;
//     see glareLocked). A JS peer answers every offer, so the pair
//     makes one connection either way, instead of two that JS and Go might
//     register differently;
//   - a connected peer is handed to the Room, and pending
//     attempts with the same id that the remote cannot have seen yet are
//     abandoned (§4.5 a; attempts that already exchanged SDP are left to
//     connect as duplicates, which the Room keeps, §4.5 b–c);
//   - malformed payloads are logged and dropped.
//
// Trickle (SessionConfig.Trickle, Shell.WithTrickle) is the firebase
// strategy's mode: attempts trickle ICE, every signal until the peer
// connects crosses the relay as the JSON of the whole simple-peer signal
// (sealed as a whole with a password, §7.4), and the strategy hands each
// received one to Session.Signal, which answers offers, accepts answers and
// feeds candidates with the same rules as above (trickle.go).
//
// # Protocol025
//
// A session whose Config.Protocol is posthorn.Protocol025 (offered by
// strategies whose Shell has With025) runs Trystero 0.25 instead: AES-GCM
// sealing always on, trickled candidates, Trystero 0.25's glare rule and
// perfect negotiation (session025.go), and Topics speaks 0.25's messages:
// hashed topics, the smaller id offering and the larger one nudging, and
// offerIds echoed (topics025.go). Its room is on the 0.25 profile.
//
// # Differences from Trystero 0.18 (all invisible to JS peers)
//
//   - Re-announcement. 0.18 nostr announces once per socket open; a relay
//     glitch strands peers. A Session announces on every Ready and every
//     AnnounceInterval (33 s, the torrent announce period). JS 0.18 ignores an
//     announcement from an id it has seen (seenPeers, cleared only when an
//     attempt with that id closes) or is connected to, so repeats are harmless.
//   - Offer dedupe. JS answers every offer message. A Session drops a copy of
//     an offer it is already answering (same sdp), replaces an older unconnected
//     answer attempt when the same peer sends a different offer, and ignores
//     offers from peers it is connected to.
//   - Attempts expire. An attempt that has not connected within
//     AttemptTimeout (30 s) is closed and forgotten, so the next announcement
//     from that peer starts afresh. JS keeps unanswered offers forever.
//   - Bounded work. At most MaxPendingAttempts unconnected attempts per room,
//     on every strategy: anyone can publish on a root topic or make a tracker
//     forward offers.
//
// # Nostr 0.18 password bug (Quirks.OffersNotDecrypted)
//
// A JS 0.18 nostr answerer hands the encrypted offer envelope to
// setRemoteDescription, which fails (protocol-0.18 §3, §7.2). posthorn does NOT
// send plaintext offers to work around it: that would give the SDP (addresses,
// DTLS fingerprint) away to every relay and subscriber, which is what the
// password is for. Instead, after publishing an encrypted offer, a session
// with this quirk re-announces itself on the offer's relay NudgeDelay (3 s)
// later if the offer is still unanswered. The JS peer has by then destroyed
// its failed answerer, which clears its seenPeers entry, so it treats the
// nudge as a new peer and offers to us; its offer is encrypted correctly and
// we decrypt it, and it decrypts our answer. Between posthorn peers the nudge
// is ignored (the peer already has an attempt with us). Every offer a Session
// receives must decrypt with the room's key; plaintext offers are rejected.
//
// # Concurrency
//
// All methods are safe for concurrent use. Deliver never blocks on the
// network: publishes happen on the peers' signal goroutines and the announce
// loop. Leaving the Room (Room().Leave) stops the session, closes the
// attempts that have not connected and runs the strategy's OnStop cleanups,
// where it unsubscribes.
package engine
