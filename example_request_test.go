package posthorn_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/torrent"
)

// A request action (Trystero 0.25): bob answers requests with his
// handler's return value, alice asks him and waits for the answer.
func ExampleAction_Request() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := posthorn.Config{
		AppID:     "posthorn-example",
		Protocol:  posthorn.Protocol025, // requests are new in 0.25
		RelayURLs: []string{trackerURL},
		RTCConfig: &posthorn.RTCConfiguration{},
	}

	bob := torrent.New(nil)
	defer bob.Close()
	bobRoom, err := bob.JoinRoom(ctx, cfg, "shouting")
	if err != nil {
		log.Fatal(err)
	}
	upper, err := bobRoom.MakeRequestAction("upper")
	if err != nil {
		log.Fatal(err)
	}
	_ = upper.OnRequest(func(_ context.Context, req posthorn.Message, from string) (any, error) {
		return strings.ToUpper(string(req.Data)), nil
	})

	alice := torrent.New(nil)
	defer alice.Close()
	room, err := alice.JoinRoom(ctx, cfg, "shouting")
	if err != nil {
		log.Fatal(err)
	}
	ask, err := room.MakeRequestAction("upper")
	if err != nil {
		log.Fatal(err)
	}
	joined := make(chan string, 1)
	room.OnPeerJoin(func(id string) { joined <- id })
	select {
	case id := <-joined:
		resp, err := ask.Request(ctx, id, "hello", &posthorn.RequestOptions{Timeout: 10 * time.Second})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("bob answered:", string(resp.Data))
	case <-ctx.Done():
		log.Fatal(ctx.Err())
	}
	_ = room.Leave()
	_ = bobRoom.Leave()
	// Output: bob answered: HELLO
}
