//go:build !js

// Command posthorn-demo serves the demo page, the wasm builds and an embedded
// signalling relay (tracker, Nostr relay and MQTT broker, and a Waku service
// node for the ipfs strategy on a port of its own) from one process, so the
// demo works offline on localhost. `make demo` builds the wasm and runs it.
//
//	posthorn-demo -addr 127.0.0.1:8080 -web web -dist dist
//
// WebSocket upgrades go to the relay (package relay's paths); every other
// request is a file: the page from -web, the npm package from -dist under
// /posthorn/, and demo-config.json, which lists the strategies built and
// points the page at this relay.
//
// TestDemo drives the page in headless Chromium (two and three peers, chat,
// cursors, files, camera, reload) and makes the README's screenshot:
//
//	POSTHORN_DEMO_PNG=$PWD/docs/demo.png scripts/in-netns go test -run 'TestDemo$' ./cmd/posthorn-demo
//
// and TestDemoIPFS (two tabs meeting through the embedded Waku node) the
// ipfs one:
//
//	POSTHORN_DEMO_IPFS_PNG=$PWD/docs/demo-ipfs.png scripts/in-netns go test -run 'TestDemoIPFS$' ./cmd/posthorn-demo
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/posthorn/posthorn/relay"
	"github.com/posthorn/posthorn/relay/waku"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address (host:port)")
	web := flag.String("web", "web", "folder of the demo page")
	dist := flag.String("dist", "dist", "folder of the built npm package (wasm and loaders)")
	turnAddr := flag.String("turn-addr", "127.0.0.1:3478", `embedded TURN server (UDP and TCP), "" for none`)
	firebaseDB := flag.String("firebase", "", "a Firebase Realtime Database URL: offer the Firebase strategy with it (the embedded relay cannot serve one)")
	wakuAddr := flag.String("waku-addr", waku.DefaultListenAddr, `embedded Waku service node for the ipfs strategy (a multiaddr ending in /ws), "" for none`)
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, *web, *dist, *turnAddr, *firebaseDB, *wakuAddr, log); err != nil {
		fmt.Fprintln(os.Stderr, "posthorn-demo:", err)
		os.Exit(1)
	}
}

func run(addr, web, dist, turnAddr, firebaseDB, wakuAddr string, log *slog.Logger) error {
	if _, err := os.Stat(dist + "/posthorn-torrent.wasm"); err != nil {
		return fmt.Errorf("no wasm build in %s (run make wasm): %w", dist, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	r := relay.New(relay.Config{Logger: log})
	defer r.Close()
	var ice []iceServer
	if turnAddr != "" {
		srv, entry, err := startTURN(turnAddr, log)
		if err != nil {
			log.Warn("no TURN server for the demo", "err", err)
		} else {
			defer srv.Close()
			ice = []iceServer{entry}
			b, _ := json.Marshal(entry)
			fmt.Printf("TURN for rtcConfig: {iceServers: [%s]} (also in demo-config.json)\n", b)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var wakuAddrs []string
	if wakuAddr != "" {
		n, err := waku.New(ctx, &waku.Options{ListenAddr: wakuAddr, Logger: log})
		if err != nil {
			log.Warn("no Waku service node for the demo", "err", err)
		} else {
			r.AddService("waku", n, n.Close)
			wakuAddrs = n.Multiaddrs()
			fmt.Printf("Waku service node for the ipfs strategy: %s (also in demo-config.json)\n", wakuAddrs[0])
		}
	}
	fmt.Printf("posthorn demo: open http://%s/ in two tabs (Ctrl-C to stop)\n", ln.Addr())
	return r.Serve(ctx, ln, newHandler(r, web, dist, ice, firebaseDB, wakuAddrs))
}
