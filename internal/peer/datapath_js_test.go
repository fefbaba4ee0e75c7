//go:build js && wasm

package peer

import (
	"bytes"
	"context"
	"errors"
	"syscall/js"
	"testing"
	"time"
)

// fakeChannel is a stand-in RTCDataChannel (Node has no WebRTC): it records
// what send() receives, as copies, and lets the test dispatch events.
type fakeChannel struct {
	v    js.Value
	sent [][]byte
	fn   js.Func
}

func newFakeChannel(t *testing.T) *fakeChannel {
	f := &fakeChannel{v: js.Global().Get("Object").New()}
	f.fn = js.FuncOf(func(this js.Value, args []js.Value) any {
		u := args[0]
		if u.Get("constructor").Get("name").String() != "Uint8Array" {
			t.Errorf("send got a %s, want a Uint8Array", u.Get("constructor").Get("name"))
		}
		b := make([]byte, u.Get("byteLength").Int())
		js.CopyBytesToGo(b, u)
		f.sent = append(f.sent, b)
		return nil
	})
	t.Cleanup(f.fn.Release)
	f.v.Set("send", f.fn)
	f.v.Set("bufferedAmount", 0)
	f.v.Set("readyState", "connecting")
	f.v.Set("label", "fake")
	return f
}

func (f *fakeChannel) dispatch(event string, ev js.Value) {
	f.v.Get("on" + event).Invoke(ev)
}

func (f *fakeChannel) message(b []byte) {
	u := uint8Array.New(len(b))
	js.CopyBytesToJS(u, b)
	ev := js.Global().Get("Object").New()
	ev.Set("data", u.Get("buffer"))
	f.dispatch("message", ev)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestJSReceiveInOrderWithEarlyData(t *testing.T) {
	p := newBare(Config{})
	t.Cleanup(func() { p.destroy(nil) }) // stops watchClosing
	f := newFakeChannel(t)
	p.adopt(f.v)
	if got := f.v.Get("binaryType").String(); got != "arraybuffer" {
		t.Fatalf("binaryType %q", got)
	}
	if got := f.v.Get("bufferedAmountLowThreshold").Int(); got != maxBufferedAmount {
		t.Fatalf("bufferedAmountLowThreshold %d", got)
	}
	var want [][]byte
	for i := range 500 {
		b := bytes.Repeat([]byte{byte(i)}, i%37)
		want = append(want, b)
		f.message(b)
		if i == 10 { // a text message is dropped (protocol-0.18 §4.2)
			ev := js.Global().Get("Object").New()
			ev.Set("data", "text")
			f.dispatch("message", ev)
		}
	}
	var got [][]byte
	p.OnData(func(b []byte) { got = append(got, bytes.Clone(b)) }) // replay of early data; b is reused
	waitUntil(t, "replay", func() bool { return len(got) == len(want) })
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("message %d: got %v want %v", i, got[i], want[i])
		}
	}
}

func TestJSSendReusesBuffer(t *testing.T) {
	p := newBare(Config{})
	t.Cleanup(func() { p.destroy(nil) }) // stops watchClosing
	f := newFakeChannel(t)
	p.adopt(f.v)
	ch := p.channel()
	lengths := []int{16384, 100, 16384, 0, 20000, 5, 20000}
	var want [][]byte
	for i, n := range lengths {
		b := bytes.Repeat([]byte{byte(i + 1)}, n)
		want = append(want, b)
		if err := ch.send(b); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.sent) != len(want) {
		t.Fatalf("sent %d messages, want %d", len(f.sent), len(want))
	}
	for i := range want {
		if !bytes.Equal(f.sent[i], want[i]) {
			t.Fatalf("message %d: got %d bytes, want %d", i, len(f.sent[i]), len(want[i]))
		}
	}
	if ch.sendCap != 20000 {
		t.Fatalf("buffer capacity %d, want the largest message", ch.sendCap)
	}
}

func TestJSSendWaitsForOpenAndBufferedAmount(t *testing.T) {
	p := newBare(Config{})
	t.Cleanup(func() { p.destroy(nil) }) // stops watchClosing
	f := newFakeChannel(t)
	p.adopt(f.v)
	f.v.Set("bufferedAmount", maxBufferedAmount+1)
	errc := make(chan error, 1)
	go func() { errc <- p.Send(context.Background(), []byte("hello")) }()
	time.Sleep(20 * time.Millisecond)
	if len(f.sent) != 0 {
		t.Fatal("sent before open")
	}
	f.v.Set("readyState", "open")
	f.dispatch("open", js.Null())
	time.Sleep(20 * time.Millisecond)
	if len(f.sent) != 0 {
		t.Fatal("sent while bufferedAmount is above the threshold")
	}
	f.v.Set("bufferedAmount", 0)
	f.dispatch("bufferedamountlow", js.Null())
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if len(f.sent) != 1 || string(f.sent[0]) != "hello" {
		t.Fatalf("sent %q", f.sent)
	}
}

func TestJSChannelCloseDestroys(t *testing.T) {
	p := newBare(Config{})
	t.Cleanup(func() { p.destroy(nil) }) // stops watchClosing
	f := newFakeChannel(t)
	p.adopt(f.v)
	down := make(chan error, 1)
	p.OnClose(func(err error) { down <- err })
	f.dispatch("close", js.Null())
	select {
	case err := <-down:
		if err != nil {
			t.Fatalf("OnClose(%v)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no OnClose")
	}
	if err := p.Send(context.Background(), []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after close: %v", err)
	}
	if !f.v.Get("onmessage").IsNull() {
		t.Fatal("handlers not detached after close")
	}
}

// TestJSReceiveReusesBuffers: a transfer's chunks are copied into buffers
// taken back after each OnData call, not into a fresh allocation each, and
// every message still arrives intact.
func TestJSReceiveReusesBuffers(t *testing.T) {
	p := newBare(Config{})
	t.Cleanup(func() { p.destroy(nil) })
	f := newFakeChannel(t)
	p.adopt(f.v)
	const n, size = 200, 16 << 10
	got := make(chan *byte, 1)
	p.OnData(func(b []byte) {
		if len(b) != size || b[0] != b[size-1] {
			t.Errorf("message of %d bytes, ends %d %d", len(b), b[0], b[len(b)-1])
		}
		got <- &b[:1][0]
	})
	arrays := map[*byte]bool{}
	for i := range n {
		f.message(bytes.Repeat([]byte{byte(i)}, size))
		select {
		case a := <-got:
			arrays[a] = true
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d not delivered", i)
		}
	}
	if len(arrays) > rxFreeMax {
		t.Fatalf("%d messages used %d buffers", n, len(arrays))
	}
}
