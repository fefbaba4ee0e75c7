// Package posthorn is Trystero rebuilt in Go: peers find each other in rooms
// through public signalling relays (WebTorrent trackers, Nostr relays, MQTT
// brokers) and then talk directly over WebRTC data channels. A posthorn peer
// and a browser running Trystero 0.18 meet in the same room and exchange
// every kind of data.
//
// A strategy joins rooms: signal/torrent, signal/nostr or signal/mqtt, each
// with a package-level JoinRoom (one instance per process, like Trystero's
// modules) and New for instances of its own. A Room then works the same
// whatever the strategy:
//
//	r, err := torrent.JoinRoom(ctx, posthorn.Config{AppID: "my-app"}, "lobby")
//	if err != nil { ... }            // ctx bounds the wait for a relay
//	chat, err := r.MakeAction("chat")
//	chat.OnReceive(func(m posthorn.Message, from string) { fmt.Println(from, m) })
//	r.OnPeerJoin(func(id string) { chat.Send(ctx, "hi", nil) })
//	<-r.Done()                       // until r.Leave()
//
// Actions carry strings, JSON values and binary data of any size, cut into
// chunks and reassembled (see package transfer for what a Message holds and
// the Limits a room applies); Ping measures the round trip to a peer; media
// streams and tracks are package media's. Config and Options hold every
// setting, each with a documented default.
//
// The protocol posthorn speaks is described in docs/protocol-0.18.md, cited
// in the code as §N.
//
// # Concurrency
//
// All methods are safe for concurrent use. Callbacks (OnPeerJoin, OnReceive,
// ...) are never invoked while the Room holds one of its locks, so they may
// call back into the Room. Data callbacks of one connection run in the order
// the chunks arrived; callbacks for different peers may run concurrently.
//
// # Duplicate connections (§4.5)
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
