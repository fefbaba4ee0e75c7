package relay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
)

// hijackBufferBytes sizes the read and write buffers a WebSocket keeps after
// the upgrade. net/http's are 4 KiB each, held for the socket's whole life;
// signalling messages are a few KB and coder/websocket reads or writes any
// payload larger than the buffer straight through, so 1 KiB costs no extra
// copies and saves ~6 KiB per idle socket.
const hijackBufferBytes = 1 << 10

// serveDetached runs h for an upgrade request on a goroutine of its own and
// returns as soon as h has hijacked the connection (or has ended without
// doing so). net/http's per-connection state (its 4 KiB buffers, the
// response, the serving goroutine's stack) is then released while the
// WebSocket lives on, which roughly halves what an idle socket costs. done
// runs when h returns.
func serveDetached(w http.ResponseWriter, req *http.Request, h http.Handler, log func(msg string, args ...any), done func()) {
	dw := &detachWriter{ResponseWriter: w, hijacked: make(chan struct{})}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		defer done()
		defer func() {
			// net/http recovers a handler's panic for its connection; this
			// goroutine is outside it, so do the same here.
			if v := recover(); v != nil {
				log("handler panic", "err", fmt.Sprint(v), "stack", string(debug.Stack()))
			}
		}()
		h.ServeHTTP(dw, req)
	}()
	select {
	case <-dw.hijacked:
	case <-ended:
	}
}

// detachWriter signals the hijack and hands back small buffers.
type detachWriter struct {
	http.ResponseWriter
	hijacked chan struct{}
}

// Hijack takes over the connection with small buffers, keeping any bytes
// net/http had already read, and drops the reference to net/http's response
// (keeping only its header map, which coder/websocket reads afterwards).
func (d *detachWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := d.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("relay: connection cannot be hijacked")
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(c, hijackBufferBytes)
	if n := brw.Reader.Buffered(); n > 0 {
		// Bytes net/http read ahead go into the new reader's buffer, where
		// the caller looks for them (coder/websocket resets the reader's
		// source to the connection after Hijack).
		b, _ := brw.Reader.Peek(n)
		br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(b)), c), max(n, hijackBufferBytes))
		if _, err := br.Peek(n); err != nil {
			c.Close()
			return nil, nil, err
		}
	}
	d.ResponseWriter = hijackedWriter{header: d.ResponseWriter.Header()}
	close(d.hijacked)
	return c, bufio.NewReadWriter(br, bufio.NewWriterSize(c, hijackBufferBytes)), nil
}

// hijackedWriter stands in for the response after the hijack.
type hijackedWriter struct{ header http.Header }

func (h hijackedWriter) Header() http.Header     { return h.header }
func (hijackedWriter) Write([]byte) (int, error) { return 0, http.ErrHijacked }
func (hijackedWriter) WriteHeader(int)           {}
func (hijackedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrHijacked
}
