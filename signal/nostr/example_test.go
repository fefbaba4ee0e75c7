package nostr_test

import (
	"context"
	"fmt"

	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/nostr"
	"github.com/posthorn/posthorn/transfer"
)

// Joining a room through self-hosted relays (e.g. posthorn-relay's /nostr)
// and chatting: the Go equivalent of Trystero's
// joinRoom({appId, relayUrls}, 'lobby') from 'trystero/nostr'.
func Example() {
	s := nostr.New(nostr.Options{}) // or the package-level nostr.JoinRoom
	defer s.Close()
	room, err := s.JoinRoom(context.Background(), signal.Config{
		AppID:     "my-app",
		Password:  "optional; encrypts SDPs on the relays",
		RelayURLs: []string{"ws://127.0.0.1:8000/nostr"},
	}, "lobby")
	if err != nil {
		panic(err)
	}
	defer room.Leave()
	chat, _ := room.MakeAction("chat")
	chat.OnReceive(func(m transfer.Message, from string) { fmt.Println(from, "says", m.String()) })
	room.OnPeerJoin(func(id string) {
		_ = chat.Send(context.Background(), "hello "+id, nil)
	})
}
