package strategytest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// killedFileSize is what goes each way in the peer-killed case: far more
// than the receiver's inbox and the channel's send window, so that neither
// transfer can finish once its receiver stops reading.
const killedFileSize = 16 << 20

// testPeerKilled: a member in another process is killed while a file goes
// each way. The file from the child is held half received (the parent's
// progress callback blocks at 50 % until the kill), the file to the child
// stalls (the child stops reading at its first chunk). After the kill:
// onPeerLeave fires for the child, the parent's Send returns an error
// wrapping ErrPeerLeft, the half-received file is never delivered and its
// memory is freed.
func testPeerKilled(t *testing.T, h Harness, k RelayKind) {
	r := k.Start(t)
	urls := []string{r.URL}
	a := Join(t, h, "killed", posthorn.Config{RelayURLs: urls})
	c := startChild(t, childSpec{Room: "killed", URLs: urls, Peer: a.ID, Size: killedFileSize})
	a.WaitUntil(t, "it sees the child", func(p map[string]bool, _, _ []string) bool { return p[c.ID] })

	half, hold := make(chan struct{}), make(chan struct{})
	var once sync.Once
	a.Action("file").OnProgress(func(pct float64, from string, _ json.RawMessage) {
		if from == c.ID && pct >= 0.5 {
			once.Do(func() { close(half); <-hold })
		}
	})
	data := Pattern(killedFileSize, 3)
	sent := make(chan error, 1)
	go func() {
		sent <- a.Action("file").Send(Ctx(t), data, &posthorn.SendOptions{Targets: []string{c.ID}})
	}()
	c.WaitLine(t, "receiving")
	select {
	case <-half:
	case <-Ctx(t).Done():
		t.Fatal("the child's file did not get half way")
	}
	held := TakeUsage().HeapLive

	c.Kill()
	killed := time.Now()
	close(hold)
	a.WaitUntil(t, "the killed child left", func(p map[string]bool, _, leaves []string) bool {
		return !p[c.ID] && len(leaves) == 1 && leaves[0] == c.ID
	})
	t.Logf("onPeerLeave %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	select {
	case err := <-sent:
		if !errors.Is(err, posthorn.ErrPeerLeft) {
			t.Fatalf("Send to the killed child returned %v, want an error wrapping posthorn.ErrPeerLeft", err)
		}
		t.Logf("Send: %v", err)
	case <-Ctx(t).Done():
		t.Fatal("Send to the killed child did not return")
	}
	if m, ok := a.Unexpected("file"); ok {
		t.Fatalf("the killed child's partial file was delivered: %d bytes", len(m.Msg.Data))
	}
	// The partial message (at least half the file) is no longer held.
	Eventually(t, "the partial message is freed", func() bool {
		return TakeUsage().HeapLive+killedFileSize/4 < held
	})
	runtime.KeepAlive(data)
	if len(a.Room.Peers()) != 0 {
		t.Fatalf("getPeers still has %v", a.Room.Peers())
	}
}

// testBlackHoledRelay: next to a live relay, one relay accepts TCP
// connections and never answers, another completes the WebSocket handshake
// and then never answers. Peers still join, meet and talk through the live
// one.
func testBlackHoledRelay(t *testing.T, h Harness, k RelayKind) {
	live := k.Start(t)
	tcpURL, tcpConns := blackHoleTCP(t, h)
	wsURL, wsConns := blackHoleWS(t, h)
	urls := []string{tcpURL, wsURL, live.URL}
	a := Join(t, h, "black-hole", posthorn.Config{RelayURLs: urls})
	b := Join(t, h, "black-hole", posthorn.Config{RelayURLs: urls})
	meet(t, a, b)
	if err := b.Action("chat").Send(Ctx(t), "past the black holes", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", b, transfer.KindString, "past the black holes", a)
	// Both members did try the black holes.
	Eventually(t, "both members reached both black holes", func() bool { return tcpConns() >= 2 && wsConns() >= 2 })
}

// blackHoleTCP returns a relay URL whose server accepts TCP connections and
// never reads or writes a byte, and a count of the connections it accepted.
func blackHoleTCP(t *testing.T, h Harness) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
	return h.urlOf(ln.Addr().String()), count
}

// blackHoleWS returns a relay URL whose server completes the WebSocket
// handshake (offering the mqtt subprotocol, which MQTT clients ask for),
// then reads and drops everything and never sends a message; and a count of
// the handshakes it completed.
func blackHoleWS(t *testing.T, h Harness) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		conns  []*websocket.Conn
		closed bool
	)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
		if err != nil {
			return
		}
		mu.Lock()
		if closed {
			mu.Unlock()
			c.CloseNow()
			return
		}
		conns = append(conns, c)
		wg.Add(1)
		mu.Unlock()
		defer wg.Done()
		for {
			_, rd, err := c.Reader(context.Background())
			if err != nil {
				return
			}
			if _, err := io.Copy(io.Discard, rd); err != nil {
				return
			}
		}
	})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-served
		mu.Lock()
		closed = true
		for _, c := range conns {
			c.CloseNow() // hijacked: srv.Close does not close them
		}
		mu.Unlock()
		wg.Wait()
	})
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
	return h.urlOf(ln.Addr().String()), count
}

// testNetworkLoss: two connected members lose every UDP packet (the
// peer-to-peer traffic; the relay is TCP and keeps working), in a network
// namespace of the test's own. Each reports the other as left; when the
// packets flow again they meet again by themselves and talk.
func testNetworkLoss(t *testing.T, h Harness, k RelayKind) {
	if !testutil.OwnNetns(t) {
		return
	}
	r := k.Start(t)
	cfg := posthorn.Config{RelayURLs: []string{r.URL}}
	a := Join(t, h, "lossy", cfg)
	b := Join(t, h, "lossy", cfg)
	meet(t, a, b)

	testutil.Firewall(t, "add", "table", "inet", "posthorn_loss")
	testutil.Firewall(t, "add", "chain", "inet", "posthorn_loss", "out", "{ type filter hook output priority 0; policy accept; }")
	testutil.Firewall(t, "add", "rule", "inet", "posthorn_loss", "out", "meta", "l4proto", "udp", "drop")
	cut := time.Now()
	for _, x := range [][2]*Member{{a, b}, {b, a}} {
		x[0].WaitGone(t, x[1])
		t.Logf("%s reported %s left %v after the loss began", x[0].ID, x[1].ID, time.Since(cut).Round(100*time.Millisecond))
	}
	testutil.Firewall(t, "delete", "table", "inet", "posthorn_loss")
	back := time.Now()
	for _, x := range [][2]*Member{{a, b}, {b, a}} {
		x[0].WaitUntil(t, "it meets "+x[1].ID+" again", func(p map[string]bool, joins, _ []string) bool {
			return p[x[1].ID] && len(joins) == 2
		})
		t.Logf("%s met %s again %v after the network returned", x[0].ID, x[1].ID, time.Since(back).Round(100*time.Millisecond))
	}
	if err := a.Action("chat").Send(Ctx(t), "after the loss", nil); err != nil {
		t.Fatal(err)
	}
	expect(t, "chat", a, transfer.KindString, "after the loss", b)
}
