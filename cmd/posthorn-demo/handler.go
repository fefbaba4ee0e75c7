package main

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/posthorn/posthorn/relay"
)

func init() {
	// Browsers compile wasm by streaming only when it is served with its own
	// MIME type; some systems' mime tables lack it.
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".mjs", "text/javascript")
}

// newHandler routes WebSocket upgrades to the relay and everything else to
// the files of the page and of the package.
func newHandler(relayHandler http.Handler, web, dist string) http.Handler {
	files := http.NewServeMux()
	files.Handle("/", http.FileServer(http.Dir(web)))
	files.Handle("/posthorn/", http.StripPrefix("/posthorn/", http.FileServer(http.Dir(dist))))
	files.HandleFunc("/demo-config.json", demoConfig)
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

// demoConfig tells the page to use this process's relay for every strategy,
// at the host the browser reached us by.
func demoConfig(w http.ResponseWriter, r *http.Request) {
	base := "ws://" + r.Host
	cfg := map[string]any{"relayUrls": map[string][]string{
		"torrent": {base + relay.TrackerPath},
		"nostr":   {base + relay.NostrPath},
		"mqtt":    {base + relay.MQTTPath},
	}}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(cfg)
}
