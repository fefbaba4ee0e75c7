package firebase_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/signal/firebase"
)

// Join a room in a Firebase Realtime Database: the appId is the database
// URL, as in Trystero's trystero/firebase. GetOccupants lists a room's
// peers without joining it.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := posthorn.Config{
		AppID:    "https://my-app-default-rtdb.firebaseio.com",
		Password: "optional: encrypts every signal in the database",
		RootPath: "optional/defaults/to/__trystero__",
	}
	ids, err := firebase.GetOccupants(ctx, cfg, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("already there:", ids)
	r, err := firebase.JoinRoom(ctx, cfg, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Leave()
	r.OnPeerJoin(func(id string) { fmt.Println("peer joined:", id) })
}
