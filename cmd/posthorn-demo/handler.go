//go:build !js

package main

import (
	"encoding/json"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/posthorn/posthorn/relay"
)

func init() {
	// Browsers compile wasm by streaming only when it is served with its own
	// MIME type; some systems' mime tables lack it.
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".mjs", "text/javascript")
}

// iceServer is one RTCIceServer entry, as a page passes it in
// rtcConfig.iceServers.
type iceServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username"`
	Credential string   `json:"credential"`
}

// newHandler routes WebSocket upgrades to the relay and everything else to
// the files of the page and of the package; demo-config.json lists ice (the
// embedded TURN server) as iceServers, firebaseDB, if not "", as the
// Firebase strategy's database, and wakuAddrs as the ipfs strategy's
// bootstrap multiaddrs.
func newHandler(relayHandler http.Handler, web, dist string, ice []iceServer, firebaseDB string, wakuAddrs []string) http.Handler {
	files := http.NewServeMux()
	files.Handle("/", http.FileServer(http.Dir(web)))
	files.Handle("/posthorn/", http.StripPrefix("/posthorn/", http.FileServer(http.Dir(dist))))
	files.HandleFunc("/demo-config.json", func(w http.ResponseWriter, r *http.Request) { demoConfig(w, r, dist, ice, firebaseDB, wakuAddrs) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebSocket(r) {
			relayHandler.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// strategies are the strategy names the page knows, in the order it offers
// them; a strategy is offered when dist has its posthorn-<name>.wasm (and
// firebase only with a database: the relay cannot serve one; ipfs only with
// the embedded Waku node).
var strategies = []string{"torrent", "nostr", "mqtt", "firebase", "ipfs"}

// demoConfig tells the page which strategies are built (so it offers no
// other), to use this process's relay for each, at the host the browser
// reached us by, or firebaseDB for firebase, and the rtcConfig.iceServers
// entry of its TURN server. For ipfs, whose peers bootstrap to a Waku
// service node rather than a WebSocket URL, relayUrls lists the node's
// multiaddrs (wakuAddrs; none: ipfs is not offered).
func demoConfig(w http.ResponseWriter, r *http.Request, dist string, ice []iceServer, firebaseDB string, wakuAddrs []string) {
	base := "ws://" + r.Host
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		// Behind TLS (or a TLS-terminating proxy) a page may only open wss://.
		base = "wss://" + r.Host
	}
	paths := map[string]string{"torrent": relay.TrackerPath, "nostr": relay.NostrPath, "mqtt": relay.MQTTPath}
	built := []string{}
	relays := map[string][]string{}
	for _, s := range strategies {
		switch s {
		case "firebase":
			if firebaseDB == "" {
				continue
			}
			relays[s] = []string{firebaseDB}
		case "ipfs":
			if len(wakuAddrs) == 0 {
				continue
			}
			relays[s] = wakuAddrs
		default:
			relays[s] = []string{base + paths[s]}
		}
		if st, err := os.Stat(filepath.Join(dist, "posthorn-"+s+".wasm")); err == nil && st.Mode().IsRegular() {
			built = append(built, s)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if ice == nil {
		ice = []iceServer{}
	}
	json.NewEncoder(w).Encode(map[string]any{"strategies": built, "relayUrls": relays, "iceServers": ice})
}
