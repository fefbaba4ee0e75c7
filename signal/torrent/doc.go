// Package torrent is the BitTorrent strategy: peers of a room meet through
// WebTorrent trackers, exactly as Trystero 0.18's trystero/torrent does
// (protocol-0.18 §7.1), so Go and JS peers find each other on the same trackers.
//
// Each room announces itself to every tracker with a pool of 10 fresh
// non-trickle WebRTC offers; the tracker forwards them to other peers of the
// room's swarm (the info_hash derived from the app and room ids), who answer
// over the same tracker socket. The connection-attempt engine every strategy
// shares (internal/engine) answers, caps and times out the attempts and hands
// a connected peer to the posthorn.Room, which carries everything after that
// over the data channel. With a password
// the SDPs are encrypted (protocol-0.18 §3), and a peer with another password
// cannot connect: its offers and answers fail to decrypt, which is logged.
//
// With Config.Protocol set to posthorn.Protocol025 a room speaks the torrent
// strategy of @trystero-p2p/torrent 0.25 instead (protocol-0.25 §11.1):
// 0.25's info_hash (the room's hashed topic hashed again), 0.25.4's default
// trackers, announces of 3 offers with numwant 3 and peer_id before
// numwant, answers in 0.25's member order, whole SDPs (no trickle) sealed
// with AES-GCM with or without a password, and offers from a larger id
// ignored while ours are out (the larger id answers ours). When it ignores
// one, a room sends its offers to that tracker again at once (at most once
// a second) so that the newcomer gets them without waiting for the next
// round. Not yet 0.25's: offers surviving from one announce to the next
// (each round still makes a fresh pool), its announce warm-up and its
// interval clamp.
//
// Several rooms share one WebSocket per tracker URL (per Strategy instance,
// as per JS realm in Trystero). The package-level JoinRoom, SelfID and
// RelaySockets use a default instance whose id is the process's SelfID.
package torrent
