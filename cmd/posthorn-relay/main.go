//go:build !js

// Command posthorn-relay is a self-hostable signalling relay for posthorn and
// Trystero peers: one process, one port, every service on its own path (see
// package relay): the WebTorrent tracker at "/" (and "/announce"), the Nostr
// relay at "/nostr" and the MQTT-over-WebSocket broker at "/mqtt", plus
// "/healthz" and Prometheus "/metrics". With -turn-secret it also runs a TURN
// server (package relay/turn) for peers behind symmetric NATs. With
// -waku-addr it also runs a Waku service node (package relay/waku) for the
// ipfs strategy, on a port of its own.
//
//	posthorn-relay -addr 127.0.0.1:8000
//	POSTHORN_TURN_SECRET=... posthorn-relay -addr 127.0.0.1:8000 -turn-public-ip 203.0.113.7
//
// Point the strategies at it with relayUrls: torrent ["ws://127.0.0.1:8000/"],
// nostr ["ws://127.0.0.1:8000/nostr"], mqtt ["ws://127.0.0.1:8000/mqtt"].
// Serve it behind a TLS-terminating proxy for wss:// in production. Every
// limit and its default is listed by -h.
//
//	posthorn-relay -waku-addr /ip4/0.0.0.0/tcp/8001/ws -waku-key /var/lib/posthorn/waku.key
//
// Clients of the ipfs strategy bootstrap to the multiaddr it logs,
// /ip4/<ip>/tcp/8001/ws/p2p/<peer id>; wss needs a TLS proxy that forwards
// WebSockets to it (then /dns4/<host>/tcp/443/wss/p2p/<peer id>).
//
// The command builds for servers only: go-libp2p does not compile to wasm.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/posthorn/posthorn/relay"
	"github.com/posthorn/posthorn/relay/turn"
	"github.com/posthorn/posthorn/relay/waku"
)

func main() {
	o := parseFlags(os.Args[1:])
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	var h slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	if o.jsonLogs {
		h = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(h)
	o.relay.Logger = log
	debug.SetGCPercent(o.gcPercent)
	if o.memoryLimit > 0 {
		debug.SetMemoryLimit(o.memoryLimit << 20)
	}
	if err := run(o, log); err != nil {
		log.Error("posthorn-relay stopped", "err", err)
		os.Exit(1)
	}
}

func run(o options, log *slog.Logger) error {
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	if o.debugAddr != "" {
		if err := serveDebug(o.debugAddr, log); err != nil {
			return err
		}
	}
	r := relay.New(o.relay)
	defer r.Close()
	if o.turn.Secret != "" {
		o.turn.Logger = log
		ts, err := turn.Start(o.turn)
		if err != nil {
			return err
		}
		defer ts.Close()
		r.Registry().MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "posthorn_relay_turn_allocations", Help: "Live TURN allocations.",
		}, func() float64 { return float64(ts.Allocations()) }))
		user, pass := turn.Credentials(o.turn.Secret, "posthorn", 0)
		log.Info("TURN iceServers entry (credentials valid 24 h; mint your own with the secret)",
			"urls", fmt.Sprintf(`["turn:%[1]s:%[2]d?transport=udp","turn:%[1]s:%[2]d?transport=tcp"]`, o.turn.PublicIP, ts.Port()),
			"username", user, "credential", pass)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.waku.ListenAddr != "" {
		if err := startWaku(ctx, r, o, log); err != nil {
			return err
		}
	}
	base := "ws://" + ln.Addr().String()
	log.Info("posthorn-relay listening", "tracker", base+relay.TrackerPath,
		"nostr", base+relay.NostrPath, "mqtt", base+relay.MQTTPath,
		"health", "http://"+ln.Addr().String()+relay.HealthPath, "metrics", "http://"+ln.Addr().String()+relay.MetricsPath)
	err = r.Serve(ctx, ln, nil)
	log.Info("posthorn-relay shut down; clients were told to reconnect")
	return err
}

// startWaku starts the Waku service node beside r, which serves its metrics
// and closes it.
func startWaku(ctx context.Context, r *relay.Relay, o options, log *slog.Logger) error {
	if o.wakuKey != "" {
		k, err := waku.LoadKey(o.wakuKey)
		if err != nil {
			return err
		}
		o.waku.Key = k
	} else {
		log.Warn("waku: no -waku-key: the node's peer id, part of its address, changes on every start")
	}
	o.waku.Logger = log
	n, err := waku.New(ctx, &o.waku)
	if err != nil {
		return err
	}
	r.AddService("waku", n, n.Close)
	return nil
}
