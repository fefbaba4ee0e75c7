//go:build !js

// Command wstestserver serves internal/ws/wstest's handler on a loopback
// port for internal/ws's tests compiled to js/wasm under Node
// (scripts/test-wasm-mqtt). It prints "URL ws://127.0.0.1:port" and exits
// when its stdin closes.
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/posthorn/posthorn/internal/ws/wstest"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("URL ws://%s\n", ln.Addr())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	log.Fatal(http.Serve(ln, wstest.Handler()))
}
