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
// Several rooms share one WebSocket per tracker URL (per Strategy instance,
// as per JS realm in Trystero). The package-level JoinRoom, SelfID and
// RelaySockets use a default instance whose id is the process's SelfID.
package torrent
