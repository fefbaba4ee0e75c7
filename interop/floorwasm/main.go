//go:build js && wasm

// Command floorwasm is the Go floor of BenchmarkVsTrystero
// (interop/benchfloor_test.go): the least work a Go library compiled to wasm
// does per data-channel message, with nothing of posthorn in it. Every
// message that arrives is copied from JS into Go memory inside its event,
// every message sent is copied from Go memory into JS, and a Promise a page
// awaits is settled from Go. bench.js's B.floorJS is the same work in
// JavaScript. main sets globalThis.floorGo to an object of four functions,
// each taking an open RTCDataChannel (binaryType "arraybuffer"):
//
//	ping(dc)               returns a function that sends one 16-byte message
//	                       and returns a Promise settled by the next message
//	echo(dc)               sends every message straight back
//	send(dc, total, size)  sends total bytes in messages of size bytes with
//	                       Trystero 0.18's flow control (wait for
//	                       bufferedamountlow while bufferedAmount > 64 KiB);
//	                       returns a Promise settled when all are sent
//	receive(dc, total)     returns a Promise settled when total bytes have
//	                       arrived
//
// and offers(n), which makes n RTCPeerConnections with a data channel and an
// offer each, applies the offers and returns a Promise settled once ICE
// gathering has completed on all of them: what a torrent join does before
// it can announce.
package main

import "syscall/js"

// lowThreshold is Trystero 0.18's bufferedAmountLowThreshold (protocol-0.18
// §5.6).
const lowThreshold = 1 << 16

var (
	uint8Array = js.Global().Get("Uint8Array")
	promise    = js.Global().Get("Promise")
	peerConn   = js.Global().Get("RTCPeerConnection")
)

func main() {
	js.Global().Set("floorGo", js.ValueOf(map[string]any{
		"ping":    js.FuncOf(ping),
		"echo":    js.FuncOf(echo),
		"send":    js.FuncOf(send),
		"receive": js.FuncOf(receive),
		"offers":  js.FuncOf(offers),
	}))
	select {}
}

// inbox copies each binary message of dc into Go memory, into one buffer
// reused while it is large enough, and hands it to f.
type inbox struct {
	buf []byte
}

func (in *inbox) listen(dc js.Value, f func([]byte)) {
	dc.Call("addEventListener", "message", js.FuncOf(func(_ js.Value, args []js.Value) any {
		view := uint8Array.New(args[0].Get("data"))
		n := view.Get("byteLength").Int()
		if cap(in.buf) < n {
			in.buf = make([]byte, n)
		}
		b := in.buf[:n]
		js.CopyBytesToGo(b, view)
		f(b)
		return nil
	}))
}

// outbox copies Go bytes into one reused Uint8Array and sends them on dc.
type outbox struct {
	dc  js.Value
	buf js.Value
	n   int
}

func (out *outbox) send(b []byte) {
	if out.n < len(b) {
		out.buf = uint8Array.New(len(b))
		out.n = len(b)
	}
	js.CopyBytesToJS(out.buf, b)
	msg := out.buf
	if len(b) != out.n {
		msg = out.buf.Call("subarray", 0, len(b))
	}
	out.dc.Call("send", msg)
}

// withResolvers returns a new Promise and its resolve function.
func withResolvers() (p, resolve js.Value) {
	r := promise.Call("withResolvers")
	return r.Get("promise"), r.Get("resolve")
}

func ping(_ js.Value, args []js.Value) any {
	out := &outbox{dc: args[0]}
	payload := make([]byte, 16)
	var settle js.Value
	var in inbox
	in.listen(args[0], func(b []byte) {
		if settle.Truthy() {
			s := settle
			settle = js.Undefined()
			s.Invoke(len(b))
		}
	})
	return js.FuncOf(func(js.Value, []js.Value) any {
		p, resolve := withResolvers()
		settle = resolve
		out.send(payload)
		return p
	})
}

func echo(_ js.Value, args []js.Value) any {
	out := &outbox{dc: args[0]}
	var in inbox
	in.listen(args[0], out.send)
	return nil
}

func send(_ js.Value, args []js.Value) any {
	dc, total, size := args[0], args[1].Int(), args[2].Int()
	p, resolve := withResolvers()
	low := make(chan struct{}, 1)
	dc.Set("bufferedAmountLowThreshold", lowThreshold)
	dc.Call("addEventListener", "bufferedamountlow", js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case low <- struct{}{}:
		default:
		}
		return nil
	}))
	go func() {
		out := &outbox{dc: dc}
		chunk := make([]byte, size)
		for i := range chunk {
			chunk[i] = byte(i)
		}
		for sent := 0; sent < total; sent += size {
			for dc.Get("bufferedAmount").Int() > lowThreshold {
				<-low
			}
			out.send(chunk[:min(size, total-sent)])
		}
		resolve.Invoke()
	}()
	return p
}

func receive(_ js.Value, args []js.Value) any {
	total := args[1].Int()
	p, resolve := withResolvers()
	got := 0
	var in inbox
	in.listen(args[0], func(b []byte) {
		got += len(b)
		if got >= total && resolve.Truthy() {
			resolve.Invoke(got)
			resolve = js.Undefined()
		}
	})
	return p
}

func offers(_ js.Value, args []js.Value) any {
	n := args[0].Int()
	p, resolve := withResolvers()
	done := make(chan struct{}, n)
	for range n {
		go func() {
			offer(js.ValueOf(map[string]any{"iceServers": []any{}}))
			done <- struct{}{}
		}()
	}
	go func() {
		for range n {
			<-done
		}
		resolve.Invoke()
	}()
	return p
}

// offer makes one connection with a data channel, applies its offer and
// waits until ICE gathering has completed.
func offer(config js.Value) {
	pc := peerConn.New(config)
	gathered := make(chan struct{}, 1)
	pc.Call("addEventListener", "icegatheringstatechange", js.FuncOf(func(js.Value, []js.Value) any {
		if pc.Get("iceGatheringState").String() == "complete" {
			select {
			case gathered <- struct{}{}:
			default:
			}
		}
		return nil
	}))
	pc.Call("createDataChannel", "floor")
	o := await(pc.Call("createOffer"))
	await(pc.Call("setLocalDescription", o))
	<-gathered
}

// await blocks the goroutine until p settles and returns its value.
func await(p js.Value) js.Value {
	ch := make(chan js.Value, 1)
	var then, catch js.Func
	then = js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- a[0]
		return nil
	})
	catch = js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- js.Undefined()
		return nil
	})
	p.Call("then", then, catch)
	v := <-ch
	then.Release()
	catch.Release()
	return v
}
