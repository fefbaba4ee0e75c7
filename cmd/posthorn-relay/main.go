// Command posthorn-relay is a self-hostable signalling relay for posthorn and
// Trystero peers: one process, one port, every service on its own path (see
// package relay): the WebTorrent tracker at "/" (and "/announce"); the Nostr
// relay and the MQTT broker are mounted at "/nostr" and "/mqtt" as they land.
//
//	posthorn-relay -addr 127.0.0.1:8000
//
// Point a torrent strategy at it with relayUrls: ["ws://127.0.0.1:8000/"].
// Serve it behind a TLS-terminating proxy for wss:// in production.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/posthorn/posthorn/relay"
	"github.com/posthorn/posthorn/relay/tracker"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address (host:port)")
	interval := flag.Duration("tracker-interval", tracker.DefaultInterval, "announce interval the tracker tells clients")
	verbose := flag.Bool("v", false, "log client errors (debug level)")
	flag.Parse()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := run(*addr, relay.Config{Tracker: tracker.Config{Interval: *interval}, Logger: log}, log); err != nil {
		fmt.Fprintln(os.Stderr, "posthorn-relay:", err)
		os.Exit(1)
	}
}

func run(addr string, cfg relay.Config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	r := relay.New(cfg)
	defer r.Close()
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		r.Close() // hijacked WebSockets are not closed by Shutdown
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()

	log.Info("posthorn-relay listening", "tracker", "ws://"+ln.Addr().String()+relay.TrackerPath)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
