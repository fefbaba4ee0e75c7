package serial

import (
	"sync"
	"testing"
	"time"
)

func TestQueueReplaysInOrder(t *testing.T) {
	q := New[int](nil)
	for i := range 100 {
		q.Push(i)
	}
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	q.SetHandler(func(v int) {
		mu.Lock()
		got = append(got, v)
		n := len(got)
		mu.Unlock()
		if n == 200 {
			close(done)
		}
	})
	for i := 100; i < 200; i++ {
		q.Push(i)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("not all items delivered")
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("item %d = %d: out of order", i, v)
		}
	}
}

func TestQueueWaitUnblocks(t *testing.T) {
	q := New[[]byte](nil)
	q.CountBytes(func(b []byte) int { return len(b) })
	q.Push(make([]byte, 10))
	released := make(chan struct{})
	go func() { q.Wait(5); close(released) }()
	select {
	case <-released:
		t.Fatal("wait returned while over the limit")
	case <-time.After(50 * time.Millisecond):
	}
	q.SetHandler(func([]byte) {})
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Fatal("wait did not return after draining")
	}
	q.SetHandler(nil)
	q.Push(make([]byte, 10))
	q.Unblock()
	q.Wait(5) // must not block after unblock
}

// TestQueueIdle: Idle is false while an item waits or is being delivered,
// and true again once the handler has returned.
func TestQueueIdle(t *testing.T) {
	entered, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	q := New(func(v int) {
		if v == 0 {
			close(entered)
			<-release
			return
		}
		close(done)
	})
	if !q.Idle() {
		t.Fatal("a new queue is not idle")
	}
	q.Push(0)
	<-entered
	if q.Idle() {
		t.Fatal("idle while an item is being delivered")
	}
	q.Push(1)
	close(release)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("second item not delivered")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !q.Idle() {
		if time.Now().After(deadline) {
			t.Fatal("not idle after every item was delivered")
		}
		time.Sleep(time.Millisecond)
	}
}
