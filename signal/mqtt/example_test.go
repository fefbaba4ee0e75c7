package mqtt_test

import (
	"context"
	"fmt"
	"log"

	"github.com/posthorn/posthorn/signal"
	"github.com/posthorn/posthorn/signal/mqtt"
)

// Join a room through a self-hosted broker (cmd/posthorn-relay serves one
// at /mqtt); without RelayURLs the first two of mqtt.DefaultRelayURLs are
// used, like Trystero's trystero/mqtt.
func Example() {
	r, err := mqtt.JoinRoom(context.Background(), signal.Config{
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

// A Client is one MQTT-over-WebSocket connection that reconnects by itself
// and resubscribes after each reconnect.
func ExampleDial() {
	c := mqtt.Dial("ws://127.0.0.1:8000/mqtt", nil)
	defer c.Close()
	c.Subscribe(context.Background(), "trystero/my-app/lobby", func(p []byte) {
		fmt.Printf("announcement: %s\n", p)
	})
	c.OnConnect(func(ctx context.Context) {
		_ = c.Publish(ctx, "trystero/my-app/lobby", []byte(mqtt.SelfID()))
	})
}
