// Command posthorn-relay is a self-hostable signalling relay for posthorn and
// Trystero peers: one process, one port, every service on its own path (see
// package relay): the WebTorrent tracker at "/" (and "/announce"), the Nostr
// relay at "/nostr" and the MQTT-over-WebSocket broker at "/mqtt".
//
//	posthorn-relay -addr 127.0.0.1:8000
//
// Point the strategies at it with relayUrls: torrent ["ws://127.0.0.1:8000/"],
// nostr ["ws://127.0.0.1:8000/nostr"], mqtt ["ws://127.0.0.1:8000/mqtt"].
// Serve it behind a TLS-terminating proxy for wss:// in production.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	base := "ws://" + ln.Addr().String()
	log.Info("posthorn-relay listening", "tracker", base+relay.TrackerPath,
		"nostr", base+relay.NostrPath, "mqtt", base+relay.MQTTPath)
	return r.Serve(ctx, ln, nil)
}
