package peer_test

import (
	"context"
	"fmt"

	"github.com/posthorn/posthorn/internal/peer"
)

// Two peers wired directly: in a real program each OnSignal goes through a
// signalling relay (torrent, nostr, mqtt) and, once connected, over the data
// channel as action __516n4L__ (protocol-0.18 §4.3).
func Example() {
	cfg := &peer.Configuration{} // no ICE servers: loopback only
	a, err := peer.New(peer.Config{Initiator: true, RTCConfig: cfg})
	if err != nil {
		panic(err)
	}
	defer a.Close()
	b, err := peer.New(peer.Config{RTCConfig: cfg})
	if err != nil {
		panic(err)
	}
	defer b.Close()

	a.OnSignal(func(s peer.Signal) { _ = b.Signal(s) }) // the offer, with all candidates
	b.OnSignal(func(s peer.Signal) { _ = a.Signal(s) }) // the answer

	got := make(chan []byte, 1)
	b.OnData(func(msg []byte) { got <- msg })
	a.OnConnect(func() {
		_ = a.Send(context.Background(), []byte("hello")) // binary, with backpressure
	})
	fmt.Printf("%s\n", <-got)
}
