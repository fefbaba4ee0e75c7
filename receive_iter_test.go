package posthorn

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
)

// A range over Messages gets every message in order, with its sender, and
// ends when its context does; the room's callback slot is free again then.
func TestMessagesLoop(t *testing.T) {
	testutil.RequireNetns(t)
	ms := mesh(t, 2, nil)
	a, b := ms[0], ms[1]
	send, _ := a.room.MakeAction("chat")
	got, _ := b.room.MakeAction("chat")
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	const n = 20
	go func() {
		for i := range n {
			if err := send.Send(ctx, fmt.Sprint(i), nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	i := 0
	for m, from := range got.Messages(ctx) {
		if m.String() != fmt.Sprint(i) || from != a.id {
			t.Fatalf("message %d: %q from %s", i, m, from)
		}
		if i++; i == n {
			break
		}
	}
	if f, _ := got.handlers(); f != nil {
		t.Fatal("OnReceive still set after the loop ended")
	}

	// A loop whose context ends stops without a message.
	short, cancelShort := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancelShort()
	for m := range got.Messages(short) {
		t.Fatalf("unexpected message %q", m)
	}
	// A loop on a room that is left stops too.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range got.Messages(context.Background()) {
		}
	}()
	_ = b.room.Leave()
	<-done
}
