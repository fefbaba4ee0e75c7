package posthorn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/transfer"
)

// MakeAction returns the same action for the same name and rejects the
// names Trystero rejects, with Trystero's messages available for JS callers.
func ExampleRoom_MakeAction() {
	r := posthorn.New(posthorn.Options{SelfID: "GW8x2NijagYFduwG9Q6C"})
	defer r.Leave()

	chat, _ := r.MakeAction("chat")
	again, _ := r.MakeAction("chat")
	fmt.Println(chat == again)

	_, err := r.MakeAction("thirteen-byte")
	fmt.Println(errors.Is(err, chunk.ErrActionTooLong))
	msg, _ := posthorn.JSMessage(err)
	fmt.Println(msg)
	// Output:
	// true
	// true
	// Trystero: action type string "thirteen-byte" (13b) exceeds byte limit (12). Hint: choose a shorter name.
}

// Send takes a string, []byte (binary, optionally with metadata),
// json.RawMessage or any JSON-marshallable value; it returns once every
// target has all chunks.
func ExampleAction_Send() {
	var r *posthorn.Room // from a strategy's JoinRoom
	ctx := context.Background()
	file, err := r.MakeAction("file")
	if err != nil {
		log.Fatal(err)
	}
	data := []byte("...")
	err = file.Send(ctx, data, &posthorn.SendOptions{
		Targets: nil, // every peer; or []string{peerID, ...}
		Meta:    map[string]string{"name": "The Courierʼs Tragedy", "type": "application/pdf"},
		OnProgress: func(pct float64, peerID string) {
			fmt.Printf("%.0f%% sent to %s\n", pct*100, peerID)
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	cursor, _ := r.MakeAction("cursormove")
	_ = cursor.Send(ctx, []int{120, 300}, nil) // JSON [120,300]
}

// OnReceive gets each complete message; Kind tells how to read Data.
// OnProgress gets every chunk as it arrives, with the metadata.
func ExampleAction_OnReceive() {
	var r *posthorn.Room // from a strategy's JoinRoom
	file, _ := r.MakeAction("file")
	file.OnReceive(func(m transfer.Message, peerID string) {
		switch m.Kind {
		case transfer.KindBinary:
			var meta struct{ Name string }
			_ = m.DecodeMeta(&meta)
			fmt.Printf("got %s (%d bytes) from %s\n", meta.Name, len(m.Data), peerID)
		case transfer.KindString:
			fmt.Println(m.String())
		case transfer.KindJSON:
			var v any
			_ = m.Decode(&v)
			fmt.Println(v)
		}
	})
	file.OnProgress(func(pct float64, peerID string, meta json.RawMessage) {
		fmt.Printf("%.0f%% from %s (%s)\n", pct*100, peerID, meta)
	})
}
