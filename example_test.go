package posthorn_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/torrent"
)

// Two peers meet in a room through a tracker (here posthorn-relay's, on
// loopback), one greets the other, and both leave. Every strategy works the
// same way; only the import changes.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := posthorn.Config{
		AppID:     "posthorn-example",
		RelayURLs: []string{trackerURL},
		RTCConfig: &posthorn.RTCConfiguration{}, // no STUN server: this example stays on loopback
	}

	alice := torrent.New(nil)
	defer alice.Close()
	room, err := alice.JoinRoom(ctx, cfg, "lobby") // returns once the tracker has her announcement
	if err != nil {
		log.Fatal(err)
	}
	chat, err := room.MakeAction("chat")
	if err != nil {
		log.Fatal(err)
	}
	chat.OnReceive(func(m posthorn.Message, from string) {
		fmt.Println("alice got:", m)
		if err := room.Leave(); err != nil {
			log.Print(err)
		}
	})

	bob := torrent.New(nil)
	defer bob.Close()
	bobRoom, err := bob.JoinRoom(ctx, cfg, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	bobChat, err := bobRoom.MakeAction("chat")
	if err != nil {
		log.Fatal(err)
	}
	bobRoom.OnPeerJoin(func(id string) {
		if err := bobChat.Send(ctx, "hello, alice", &posthorn.SendOptions{Targets: []string{id}}); err != nil {
			log.Print(err)
		}
	})

	select {
	case <-room.Done(): // alice left after the greeting
	case <-ctx.Done():
		log.Fatal(ctx.Err())
	}
	// Output: alice got: hello, alice
}
