package engine_test

import (
	"context"
	"fmt"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/engine"
)

// A strategy creates one Session per joined room, subscribes to its two
// topics on every relay, calls Ready after each (re)connection and Deliver for
// every message. Here the relay is an in-memory hub; Nostr and MQTT wrap
// their sockets the same way.
func Example() {
	relay := newHub("mem://hub")
	join := func(selfID string) *engine.Session {
		s, err := engine.New(engine.Config{
			AppID: "my-app", RoomID: "lobby", SelfID: selfID,
			Codec:     engine.RawID, // MQTT: raw ids; Nostr: engine.JSONID
			RTCConfig: &webrtc.Configuration{},
			OnLeave:   func() { /* unsubscribe here */ },
		})
		if err != nil {
			panic(err)
		}
		deliver := func(t string, p []byte) { s.Deliver(relay, t, p) }
		relay.Subscribe(s.RootTopic(), deliver)
		relay.Subscribe(s.SelfTopic(), deliver)
		if err := s.Ready(context.Background(), relay); err != nil {
			fmt.Println("announce failed:", err)
		}
		return s
	}
	a := join("AAAAAAAAAAAAAAAAAAAA")
	a.Room().OnPeerJoin(func(id string) { fmt.Println("a met", id) })
	b := join("BBBBBBBBBBBBBBBBBBBB") // a sees b's announcement and offers
	defer a.Room().Leave()
	defer b.Room().Leave()
}
