package mqtt_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/mqtt"
)

// Join a room through a self-hosted broker (cmd/posthorn-relay serves one
// at /mqtt); without RelayURLs the first two of mqtt.DefaultRelayURLs are
// used, like Trystero's trystero/mqtt.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := mqtt.JoinRoom(ctx, posthorn.Config{
		AppID:     "my-app",
		Password:  "optional: encrypts the SDPs on the broker",
		RelayURLs: []string{"ws://127.0.0.1:8000/mqtt"},
	}, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Leave()
	r.OnPeerJoin(func(id string) { fmt.Println("peer joined:", id) })
	chat, _ := r.MakeAction("chat")
	_ = chat.Send(context.Background(), "hello", nil)
	fmt.Println(mqtt.SelfID(), mqtt.RelaySockets())
}
