//go:build !js

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/strategytest"
)

// TestFirebaseConfig: demo-config.json offers firebase only when its wasm
// is built and a database was given (-firebase), with that database.
func TestFirebaseConfig(t *testing.T) {
	dist := t.TempDir()
	for _, f := range []string{"posthorn-torrent.wasm", "posthorn-firebase.wasm"} {
		os.WriteFile(filepath.Join(dist, f), []byte("\x00asm"), 0o644)
	}
	for _, tc := range []struct {
		db   string
		want []string
	}{
		{"", []string{"torrent"}},
		{"https://demo-db.firebaseio.com", []string{"torrent", "firebase"}},
	} {
		srv := httptest.NewServer(newHandler(http.NotFoundHandler(), "../../web", dist, nil, tc.db, nil))
		res, err := http.Get(srv.URL + "/demo-config.json")
		if err != nil {
			t.Fatal(err)
		}
		var cfg struct {
			Strategies []string
			RelayURLs  map[string][]string
		}
		json.NewDecoder(res.Body).Decode(&cfg)
		res.Body.Close()
		srv.Close()
		if !slices.Equal(cfg.Strategies, tc.want) {
			t.Errorf("db %q: strategies %v, want %v", tc.db, cfg.Strategies, tc.want)
		}
		if got := cfg.RelayURLs["firebase"]; tc.db != "" && (len(got) != 1 || got[0] != tc.db) || tc.db == "" && got != nil {
			t.Errorf("db %q: firebase relays %v", tc.db, got)
		}
	}
}

// TestDemoFirebase: with -firebase pointing at a database (npm
// firebase-server here), two tabs of the demo meet on Firebase and chat.
func TestDemoFirebase(t *testing.T) {
	builtStrategies(t)
	db := strategytest.NodeFixture{Dir: "npm-firebase-server", Script: "server.js", Module: "firebase-server"}.Start(t)
	url := "http://" + strings.TrimSuffix(strings.TrimPrefix(db.URL, "ws://"), "/") + "?ns=posthorn-demo"
	base := startDemoFirebase(t, url)
	b := browsertest.Launch(t)
	p1 := openDemo(t, b, base, "demo-firebase", "firebase")
	p2 := openDemo(t, b, base, "demo-firebase", "firebase")
	p1.waitPeers(p2)
	p2.waitPeers(p1)
	p1.WaitFor(t, `document.getElementById('relays').textContent === '1/1 relay connected'`, peerTimeout)
	p1.say("over firebase")
	p2.waitChat(p1, "over firebase")
}
