package torrent_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/torrent"
)

// Joining a room through a self-hosted tracker (cmd/posthorn-relay) and
// greeting whoever else joins it. Without RelayURLs the first three of
// torrent.DefaultRelayURLs are used, like Trystero.
func ExampleJoinRoom() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := torrent.JoinRoom(ctx, posthorn.Config{
		AppID:     "my-app",
		Password:  "optional, encrypts SDPs on the tracker",
		RelayURLs: []string{"ws://127.0.0.1:8000/"},
	}, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Leave()
	chat, err := r.MakeAction("chat")
	if err != nil {
		log.Fatal(err)
	}
	chat.OnReceive(func(m posthorn.Message, from string) { fmt.Printf("%s: %s\n", from, m) })
	r.OnPeerJoin(func(id string) {
		_ = chat.Send(context.Background(), "hello "+id, &posthorn.SendOptions{Targets: []string{id}})
	})
}
