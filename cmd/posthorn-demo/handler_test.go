//go:build !js

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestHandlerRoutes(t *testing.T) {
	dist := t.TempDir()
	os.WriteFile(filepath.Join(dist, "posthorn-torrent.wasm"), []byte("\x00asm"), 0o644)
	relayHits := 0
	relayStub := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		relayHits++
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		c.Close(websocket.StatusNormalClosure, "")
	})
	ice := []iceServer{{URLs: []string{"turn:127.0.0.1:3478?transport=udp"}, Username: "1:demo", Credential: "c"}}
	wakuAddrs := []string{"/ip4/127.0.0.1/tcp/8001/ws/p2p/12D3KooWDemo"}
	srv := httptest.NewServer(newHandler(relayStub, "../../web", dist, ice, "", wakuAddrs))
	defer srv.Close()

	for _, tc := range []struct{ path, wantType, wantBody string }{
		{"/", "text/html", "posthorn"},
		{"/app.js", "javascript", "joinRoom"},
		{"/posthorn/posthorn-torrent.wasm", "application/wasm", "asm"},
	} {
		res, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), tc.wantType) || !strings.Contains(string(body), tc.wantBody) {
			t.Errorf("GET %s: %d %q, body has %q: %v", tc.path, res.StatusCode, res.Header.Get("Content-Type"), tc.wantBody, strings.Contains(string(body), tc.wantBody))
		}
	}

	res, err := http.Get(srv.URL + "/demo-config.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Strategies []string
		RelayURLs  map[string][]string
		ICEServers []iceServer
	}
	json.NewDecoder(res.Body).Decode(&cfg)
	res.Body.Close()
	if len(cfg.ICEServers) != 1 || cfg.ICEServers[0].Username != "1:demo" || cfg.ICEServers[0].URLs[0] != ice[0].URLs[0] {
		t.Fatalf("demo-config iceServers = %+v", cfg.ICEServers)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if got := cfg.RelayURLs["nostr"]; len(got) != 1 || got[0] != "ws://"+host+"/nostr" {
		t.Fatalf("demo-config nostr relays = %v", got)
	}
	if got := cfg.RelayURLs["ipfs"]; len(got) != 1 || got[0] != wakuAddrs[0] {
		t.Fatalf("demo-config ipfs bootstrap = %v, want the Waku node's multiaddrs", got)
	}
	if len(cfg.Strategies) != 1 || cfg.Strategies[0] != "torrent" {
		t.Fatalf("demo-config strategies = %v, want [torrent] (the only wasm in dist)", cfg.Strategies)
	}

	req, _ := http.NewRequest("GET", srv.URL+"/demo-config.json", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(res.Body).Decode(&cfg)
	res.Body.Close()
	if got := cfg.RelayURLs["mqtt"]; len(got) != 1 || got[0] != "wss://"+host+"/mqtt" {
		t.Fatalf("demo-config behind a TLS proxy: mqtt relays = %v", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+host+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.CloseNow()
	if relayHits != 1 {
		t.Fatalf("WebSocket upgrade reached the relay %d times", relayHits)
	}
}
