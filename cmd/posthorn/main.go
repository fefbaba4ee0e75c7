//go:build !js

// Command posthorn joins posthorn and Trystero rooms from a terminal or a
// shell script: chat with the demo page's tabs, send and receive files,
// pipe data between shell tools in different places, list who is in a room.
//
//	go install github.com/posthorn/posthorn/cmd/posthorn@latest
//	posthorn help
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
