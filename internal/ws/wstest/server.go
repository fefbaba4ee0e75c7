//go:build !js

// Package wstest is the WebSocket server internal/ws's tests dial: natively
// in-process, and for the js/wasm build under Node as
// internal/cmd/wstestserver on loopback.
package wstest

import (
	"net/http"
	"strconv"

	"github.com/coder/websocket"
)

// Handler serves, by path:
//
//	/echo              each message back with its type, until the client closes
//	/close?code=&reason=  a close frame with that code and reason
//	/send?n=&size=     n binary messages of size bytes each, then waits for the
//	                   client to close
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		c := accept(w, r)
		if c == nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(16 << 20)
		for {
			typ, b, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, b); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		c := accept(w, r)
		if c == nil {
			return
		}
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		c.Close(websocket.StatusCode(code), r.URL.Query().Get("reason"))
	})
	mux.HandleFunc("/send", func(w http.ResponseWriter, r *http.Request) {
		c := accept(w, r)
		if c == nil {
			return
		}
		defer c.CloseNow()
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		msg := make([]byte, size)
		for i := range n {
			msg[0] = byte(i)
			if err := c.Write(r.Context(), websocket.MessageBinary, msg); err != nil {
				return
			}
		}
		c.Read(r.Context()) // until the client goes
	})
	return mux
}

func accept(w http.ResponseWriter, r *http.Request) *websocket.Conn {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return nil
	}
	return c
}
