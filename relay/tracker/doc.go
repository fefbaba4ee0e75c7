// Package tracker is a WebTorrent tracker server: the WebSocket half of the
// BitTorrent tracker protocol that Trystero 0.18's torrent strategy uses for
// signalling (protocol-0.18 §7.1).
//
// It reproduces the behaviour Trystero peers rely on from the reference
// bittorrent-tracker WebSocket server:
//
//   - An announce registers its peer_id in the swarm of its info_hash and is
//     answered with {"complete","incomplete","action","interval","info_hash"}.
//   - offers[i] of an announce is forwarded to the i-th of up to
//     min(len(offers), numwant, 82) random other peers of the swarm as
//     {"action":"announce","offer","offer_id","peer_id":<offerer>,"info_hash"}.
//   - An announce carrying answer and to_peer_id is forwarded to that peer as
//     {"action":"announce","answer","offer_id","peer_id":<answerer>,"info_hash"};
//     the answerer gets no announce response.
//   - info_hash, peer_id and (with answer) to_peer_id must be strings of
//     JavaScript length exactly 20, otherwise the reply is {"failure reason"}.
//
// One WebSocket may announce many info_hashes (Trystero shares one socket per
// tracker between all rooms). A peer_id belongs to the live socket that
// announced it first: announces, stops and answers naming it from another
// socket are refused, so no one can take over or remove another peer. Peers
// leave a swarm when their socket closes, when they announce event
// "stopped", or when they have not announced for Config.PeerTTL. Malformed
// messages and messages over the rate limit get a failure reason and the
// connection survives; oversized messages, slow readers (see
// Config.SendQueueBytes) and silent sockets lose their connection.
//
// Server implements http.Handler; mount it wherever the tracker URL points
// (Trystero uses the URL as given, e.g. ws://127.0.0.1:8000/ or .../announce).
package tracker
