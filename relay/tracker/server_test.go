package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// client is a raw tracker client for protocol tests.
type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	s := New(cfg)
	hs := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); hs.Close() })
	return s, "ws" + strings.TrimPrefix(hs.URL, "http")
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	return &client{t, ws}
}

func (c *client) sendRaw(s string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	c.sendRaw(string(b))
}

// read returns the next message, raw; the timeout only guards against hangs.
func (c *client) readRaw() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	return string(b), err
}

func (c *client) read() map[string]any {
	c.t.Helper()
	s, err := c.readRaw()
	if err != nil {
		c.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		c.t.Fatalf("bad JSON %q: %v", s, err)
	}
	return m
}

func announce(infoHash, peerID string, offers ...string) map[string]any {
	m := map[string]any{"action": "announce", "info_hash": infoHash, "peer_id": peerID, "numwant": 10}
	if offers != nil {
		var os []map[string]any
		for _, id := range offers {
			os = append(os, map[string]any{"offer_id": id, "offer": map[string]any{"type": "offer", "sdp": "sdp-" + id}})
		}
		m["offers"] = os
	}
	return m
}

func pid(n int) string { return fmt.Sprintf("PEER%016d", n) }

// join announces and consumes the announce response.
func (c *client) join(infoHash, peerID string) map[string]any {
	c.t.Helper()
	c.send(announce(infoHash, peerID))
	r := c.read()
	if r["action"] != "announce" || r["info_hash"] != infoHash || r["interval"] == nil {
		c.t.Fatalf("announce response %v", r)
	}
	return r
}

func TestAnnounceResponse(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want float64
	}{{Config{}, 120}, {Config{Interval: 1500 * time.Millisecond}, 2}} {
		_, url := startServer(t, tt.cfg)
		c := dial(t, url)
		c.send(announce(hashA, pid(1)))
		raw, err := c.readRaw()
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"complete":0,"incomplete":1,"action":"announce","interval":%d,"info_hash":"%s"}`, int(tt.want), hashA)
		if raw != want {
			t.Fatalf("got  %s\nwant %s", raw, want)
		}
	}
}

func TestOfferForwarding(t *testing.T) {
	_, url := startServer(t, Config{})
	a, b, c := dial(t, url), dial(t, url), dial(t, url)
	a.join(hashA, pid(1))
	b.join(hashA, pid(2))
	c.join(hashA, pid(3))

	// C offers three, only two other peers exist: each gets exactly one
	// distinct offer, C gets none of its own.
	c.send(announce(hashA, pid(3), "OFFER000000000000001", "OFFER000000000000002", "OFFER000000000000003"))
	resp := c.read()
	if resp["incomplete"] != float64(3) {
		t.Fatalf("response %v", resp)
	}
	seen := map[string]bool{}
	for _, x := range []*client{a, b} {
		m := x.read()
		if m["action"] != "announce" || m["peer_id"] != pid(3) || m["info_hash"] != hashA {
			t.Fatalf("forwarded offer %v", m)
		}
		id := m["offer_id"].(string)
		if seen[id] || id == "OFFER000000000000003" {
			t.Fatalf("offer %s forwarded twice or out of range", id)
		}
		seen[id] = true
		if sdp := m["offer"].(map[string]any)["sdp"]; sdp != "sdp-"+id {
			t.Fatalf("offer body %v does not belong to %s", sdp, id)
		}
	}
	// C's next message must be its own next announce response: it got no
	// offer of its own.
	c.join(hashA, pid(3))
}

func TestNumwantLimitsForwarding(t *testing.T) {
	_, url := startServer(t, Config{})
	a, b, c := dial(t, url), dial(t, url), dial(t, url)
	a.join(hashA, pid(1))
	b.join(hashA, pid(2))
	m := announce(hashA, pid(3), "OFFER000000000000001", "OFFER000000000000002")
	m["numwant"] = 1
	c.send(m)
	c.read() // the response is queued after the forwards were queued
	got := 0
	for i, x := range []*client{a, b} {
		x.send(announce(hashA, pid(i+1)))
		if r := x.read(); r["offer"] != nil {
			got++
			x.read() // then its announce response
		}
	}
	if got != 1 {
		t.Fatalf("%d peers got an offer, want 1", got)
	}
}

func TestAnswerForwarding(t *testing.T) {
	_, url := startServer(t, Config{})
	a, b := dial(t, url), dial(t, url)
	a.join(hashA, pid(1))
	b.join(hashA, pid(2))
	a.send(announce(hashA, pid(1), "OFFER000000000000001"))
	a.read()
	off := b.read()
	if off["offer_id"] != "OFFER000000000000001" {
		t.Fatalf("offer %v", off)
	}
	// The answer, member order as Trystero sends it (protocol-0.18 §7.1).
	b.sendRaw(`{"answer":{"type":"answer","sdp":"ans"},"action":"announce","info_hash":"` + hashA + `","peer_id":"` + pid(2) + `","to_peer_id":"` + pid(1) + `","offer_id":"OFFER000000000000001"}`)
	raw, err := a.readRaw()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"announce","answer":{"type":"answer","sdp":"ans"},"offer_id":"OFFER000000000000001","peer_id":"` + pid(2) + `","info_hash":"` + hashA + `"}`
	if raw != want {
		t.Fatalf("got  %s\nwant %s", raw, want)
	}
	// The answerer gets no response: its next message answers its next announce.
	b.join(hashA, pid(2))
	// An answer to an unknown peer is dropped silently; the socket survives.
	b.sendRaw(`{"answer":{"type":"answer","sdp":"x"},"action":"announce","info_hash":"` + hashA + `","peer_id":"` + pid(2) + `","to_peer_id":"` + pid(9) + `","offer_id":"X"}`)
	b.join(hashA, pid(2))
}

func TestFailuresKeepConnection(t *testing.T) {
	_, url := startServer(t, Config{})
	c := dial(t, url)
	for _, tt := range []struct{ in, reason string }{
		{`{"action":"announce"`, "malformed JSON"},
		{`[1]`, "request is not a JSON object"},
		{`{"action":"bogus"}`, "invalid action in WS request"},
		{`{"action":"announce","info_hash":"short","peer_id":"` + pid(1) + `"}`, "invalid info_hash"},
		{`{"action":"announce","info_hash":"` + hashA + `","peer_id":7}`, "invalid peer_id"},
		{`{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + pid(1) + `","answer":{},"offer_id":"x"}`, "invalid `to_peer_id` (required with `answer`)"},
	} {
		c.sendRaw(tt.in)
		m := c.read()
		reason, _ := m["failure reason"].(string)
		if !strings.HasPrefix(reason, tt.reason) {
			t.Errorf("%s: failure reason %q, want prefix %q", tt.in, reason, tt.reason)
		}
		if len(m) != 1 {
			t.Errorf("%s: parse failures carry only the reason, got %v", tt.in, m)
		}
	}
	// Refusals after parsing carry action and info_hash (reference tracker).
	c.sendRaw(`{"action":"announce","info_hash":"` + hashA + `","peer_id":"` + pid(1) + `","event":"bogus"}`)
	if raw, _ := c.readRaw(); raw != `{"action":"announce","failure reason":"invalid event","info_hash":"`+hashA+`"}` {
		t.Errorf("invalid event: %s", raw)
	}
	c.join(hashA, pid(1))
	// Binary frames are accepted like text ones (the reference parses Buffers).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, _ := json.Marshal(announce(hashA, pid(1)))
	if err := c.ws.Write(ctx, websocket.MessageBinary, b); err != nil {
		t.Fatal(err)
	}
	if m := c.read(); m["action"] != "announce" {
		t.Fatalf("binary announce: %v", m)
	}
}

func waitPeers(t *testing.T, s *Server, swarms, peers int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sw, p := s.Stats()
		if sw == swarms && p == peers {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stats %d swarms %d peers, want %d %d", sw, p, swarms, peers)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSocketCloseRemovesAllItsPeers(t *testing.T) {
	const hashB = "4h36453u6y2er5i6mp6h"
	s, url := startServer(t, Config{})
	a, b := dial(t, url), dial(t, url)
	a.join(hashA, pid(1))
	a.join(hashB, pid(1))
	a.join(hashB, pid(5)) // a second id on the same socket
	b.join(hashA, pid(2))
	waitPeers(t, s, 2, 4)
	a.ws.Close(websocket.StatusNormalClosure, "")
	waitPeers(t, s, 1, 1)
	if r := b.join(hashA, pid(2)); r["incomplete"] != float64(1) {
		t.Fatalf("response %v", r)
	}
}

// A reconnected peer takes its peer_id back once its old socket is gone.
func TestReannounceFromNewSocketAfterOldOneClosed(t *testing.T) {
	s, url := startServer(t, Config{})
	a1, a2, b := dial(t, url), dial(t, url), dial(t, url)
	a1.join(hashA, pid(1))
	b.join(hashA, pid(2))
	a1.ws.Close(websocket.StatusNormalClosure, "")
	waitPeers(t, s, 1, 1)
	a2.join(hashA, pid(1)) // the same peer reconnected
	b.send(announce(hashA, pid(2), "OFFER000000000000001"))
	b.read()
	if m := a2.read(); m["offer_id"] != "OFFER000000000000001" {
		t.Fatalf("offer not delivered to the new socket: %v", m)
	}
	waitPeers(t, s, 1, 2)
}

func TestStoppedAndTimeout(t *testing.T) {
	s, url := startServer(t, Config{PeerTTL: 50 * time.Millisecond})
	a, b := dial(t, url), dial(t, url)
	a.join(hashA, pid(1))
	m := announce(hashA, pid(1))
	m["event"] = "stopped"
	a.send(m)
	if r := a.read(); r["incomplete"] != float64(0) {
		t.Fatalf("stopped response %v", r)
	}
	b.join(hashA, pid(2))
	waitPeers(t, s, 0, 0) // b times out without re-announcing
}

func TestPerConnectionLimits(t *testing.T) {
	t.Run("swarms", func(t *testing.T) {
		_, url := startServer(t, Config{MaxSwarmsPerConn: 2})
		c := dial(t, url)
		c.join("AAAAAAAAAAAAAAAAAAA1", pid(1))
		c.join("AAAAAAAAAAAAAAAAAAA2", pid(1))
		c.send(announce("AAAAAAAAAAAAAAAAAAA3", pid(1)))
		raw, _ := c.readRaw()
		want := `{"action":"announce","failure reason":"too many info_hashes on this connection","info_hash":"AAAAAAAAAAAAAAAAAAA3"}`
		if raw != want {
			t.Fatalf("got  %s\nwant %s", raw, want)
		}
		c.join("AAAAAAAAAAAAAAAAAAA1", pid(1)) // existing swarms still work
	})
	t.Run("rate", func(t *testing.T) {
		_, url := startServer(t, Config{MessagesPerSecond: 1e-6, MessageBurst: 2})
		c := dial(t, url)
		c.join(hashA, pid(1))
		c.join(hashA, pid(1))
		c.send(announce(hashA, pid(1)))
		if m := c.read(); m["failure reason"] != "too many messages, slow down" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("size", func(t *testing.T) {
		_, url := startServer(t, Config{MaxMessageBytes: 1024})
		c := dial(t, url)
		c.join(hashA, pid(1))
		c.sendRaw(`{"action":"announce","pad":"` + strings.Repeat("x", 2000) + `"}`)
		_, err := c.readRaw()
		if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
			t.Fatalf("err = %v, want close 1009", err)
		}
	})
}

func TestScrape(t *testing.T) {
	_, url := startServer(t, Config{})
	a, b := dial(t, url), dial(t, url)
	a.join(hashA, pid(1))
	b.sendRaw(`{"action":"scrape","info_hash":["` + hashA + `","4h36453u6y2er5i6mp6h"]}`)
	raw, _ := b.readRaw()
	want := `{"action":"scrape","files":{"4h36453u6y2er5i6mp6h":{"complete":0,"incomplete":0,"downloaded":0},"` + hashA + `":{"complete":0,"incomplete":1,"downloaded":0}},"flags":{"min_request_interval":120}}`
	if raw != want {
		t.Fatalf("got  %s\nwant %s", raw, want)
	}
}

func TestPlainHTTPAndClose(t *testing.T) {
	s, url := startServer(t, Config{})
	res, err := http.Get("http" + strings.TrimPrefix(url, "ws"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("status %d", res.StatusCode)
	}
	c := dial(t, url)
	c.join(hashA, pid(1))
	s.Close()
	if _, err := c.readRaw(); err == nil {
		t.Fatal("connection survived Close")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := websocket.Dial(ctx, url, nil); err == nil {
		t.Fatal("dial after Close succeeded")
	}
}
