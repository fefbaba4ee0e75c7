package engine_test

import (
	"context"
	"fmt"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/engine"
)

// A topic strategy makes a Topics per joined room's Session, subscribes to
// its two topics on every relay, calls Ready after each (re)connection and
// Deliver for every message. Here the relay is an in-memory hub; Nostr and
// MQTT wrap their sockets the same way.
func ExampleTopics() {
	relay := newHub("mem://hub")
	join := func(selfID string) *engine.Topics {
		es, err := engine.NewSession(engine.SessionConfig{
			Config: posthorn.Config{AppID: "my-app", RTCConfig: &posthorn.RTCConfiguration{}},
			RoomID: "lobby", SelfID: selfID,
		})
		if err != nil {
			panic(err)
		}
		t, err := engine.NewTopics(es, engine.TopicOptions{Codec: engine.RawID}) // MQTT: raw ids; Nostr: engine.JSONID
		if err != nil {
			panic(err)
		}
		deliver := func(tp string, p []byte) { t.Deliver(relay, tp, p) }
		relay.Subscribe(t.RootTopic(), deliver)
		relay.Subscribe(t.SelfTopic(), deliver)
		if err := t.Ready(context.Background(), relay); err != nil {
			fmt.Println("announce failed:", err)
		}
		return t
	}
	a := join("AAAAAAAAAAAAAAAAAAAA")
	a.Session().Room().OnPeerJoin(func(id string) { fmt.Println("a met", id) })
	b := join("BBBBBBBBBBBBBBBBBBBB") // a sees b's announcement and offers
	defer a.Session().Room().Leave()
	defer b.Session().Room().Leave()
}
