package torrent_test

import (
	"context"
	"fmt"

	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/torrent"
	"github.com/posthorn/posthorn/transfer"
)

// Joining a room through a self-hosted tracker (cmd/posthorn-relay) and
// chatting with whoever else joins it. Without RelayURLs the first three of
// torrent.DefaultRelayURLs are used, like Trystero.
func ExampleJoinRoom() {
	ctx := context.Background()
	r, err := torrent.JoinRoom(ctx, signal.Config{
		AppID:     "my-app",
		Password:  "optional, encrypts SDPs on the tracker",
		RelayURLs: []string{"ws://127.0.0.1:8000/"},
	}, "lobby")
	if err != nil {
		panic(err)
	}
	defer r.Leave()
	chat, _ := r.MakeAction("chat")
	chat.OnReceive(func(m transfer.Message, from string) { fmt.Printf("%s: %s\n", from, m.Data) })
	r.OnPeerJoin(func(id string) { _ = chat.Send(ctx, "hello "+id, nil) })
}
