package nostr_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/nostr"
)

// Joining a room through self-hosted relays (e.g. posthorn-relay's /nostr)
// and chatting: the Go equivalent of Trystero's
// joinRoom({appId, relayUrls}, 'lobby') from 'trystero/nostr'.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := nostr.New(nil) // or the package-level nostr.JoinRoom
	defer s.Close()
	room, err := s.JoinRoom(ctx, posthorn.Config{
		AppID:     "my-app",
		Password:  "optional; encrypts SDPs on the relays",
		RelayURLs: []string{"ws://127.0.0.1:8000/nostr"},
	}, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	defer room.Leave()
	chat, _ := room.MakeAction("chat")
	chat.OnReceive(func(m posthorn.Message, from string) { fmt.Println(from, "says", m.String()) })
	room.OnPeerJoin(func(id string) {
		_ = chat.Send(context.Background(), "hello "+id, &posthorn.SendOptions{Targets: []string{id}})
	})
}
