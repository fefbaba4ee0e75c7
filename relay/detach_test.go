//go:build !js

package relay

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// rawUpgrade is a WebSocket handshake request for path, as a browser sends it.
func rawUpgrade(path, ip string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: " + ip + "\r\n\r\n"
}

// maskedText is a client's text frame carrying msg.
func maskedText(msg string) []byte {
	var b bytes.Buffer
	b.WriteByte(0x81)
	switch n := len(msg); {
	case n < 126:
		b.WriteByte(0x80 | byte(n))
	default:
		b.WriteByte(0x80 | 126)
		binary.Write(&b, binary.BigEndian, uint16(n))
	}
	key := [4]byte{1, 2, 3, 4}
	b.Write(key[:])
	for i := range len(msg) {
		b.WriteByte(msg[i] ^ key[i%4])
	}
	return b.Bytes()
}

func dialRaw(t *testing.T, url string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A client that sends its first message in the same packet as the upgrade
// request (before the 101 arrives) loses nothing: the bytes net/http read
// ahead reach the service after the hand-over to the small buffers.
func TestFirstMessageSentWithTheUpgrade(t *testing.T) {
	_, url := startRelay(t, Config{ClientIPHeader: "X-Forwarded-For"})
	for i := range 50 {
		c := dialRaw(t, url)
		c.SetDeadline(time.Now().Add(relaytest.Patience))
		announce := fmt.Sprintf(`{"action":"announce","info_hash":"5v555w112h626i264rj4","peer_id":"PEER%016d","numwant":1}`, i)
		req := append([]byte(rawUpgrade(TrackerPath, "192.0.2.1")), maskedText(announce)...)
		if _, err := c.Write(req); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("upgrade %d: %v %v", i, res, err)
		}
		hdr := make([]byte, 2)
		if _, err := io.ReadFull(br, hdr); err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		n := int(hdr[1] & 0x7f)
		if n == 126 {
			var l uint16
			binary.Read(br, binary.BigEndian, &l)
			n = int(l)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if hdr[0] != 0x81 || !bytes.Contains(body, []byte(`"action":"announce"`)) {
			t.Fatalf("reply %d: opcode %#x %s", i, hdr[0], body)
		}
		c.Close()
	}
}

// An idle WebSocket keeps no net/http state: the serving goroutine ends at
// the upgrade and the socket keeps 1 KiB buffers instead of net/http's
// 4 KiB ones. Measured with raw TCP clients, which cost next to nothing on
// this side. Before the hand-over an idle tracker socket held ~20 KB of
// live heap; the bound leaves room for the race detector's overhead.
func TestIdleSocketHeap(t *testing.T) {
	const sockets = 400
	r, url := startRelay(t, Config{MaxConnsPerIP: sockets, ClientIPHeader: "X-Forwarded-For"})
	heap := relaytest.LiveHeap()
	for range sockets {
		c := dialRaw(t, url)
		c.SetDeadline(time.Now().Add(relaytest.Patience))
		if _, err := c.Write([]byte(rawUpgrade(TrackerPath, "192.0.2.1"))); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("upgrade: %v %v", res, err)
		}
	}
	relaytest.WaitFor(t, "sockets admitted", func() bool { return r.Conns() == sockets })
	per := relaytest.HeapGrowth(heap) / sockets
	t.Logf("live heap per idle tracker socket: %d bytes", per)
	if per > 12<<10 {
		t.Fatalf("an idle socket holds %d bytes of heap, want under 12 KiB", per)
	}
}
