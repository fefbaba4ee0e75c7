//go:build !js

package relay

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
)

// An idle MQTT client (connected, keepalive 60) holds 9.5-11 KB of live
// heap; 12 KB while mochi kept its default 2 KiB read buffer on top of
// the WebSocket's. Measured with raw TCP clients, which cost next to nothing
// on this side.
func TestIdleMQTTClientHeap(t *testing.T) {
	const clients = 400
	r, url := startRelay(t, Config{MaxConnsPerIP: clients, ClientIPHeader: "X-Forwarded-For"})
	heap := relaytest.LiveHeap()
	// CONNECT, MQTT 3.1.1, clean session, keepalive 60 s, empty client id.
	connect := []byte{0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 0}
	for i := range clients {
		c := dialRaw(t, url)
		c.SetDeadline(time.Now().Add(relaytest.Patience))
		up := strings.Replace(rawUpgrade(MQTTPath, "192.0.2.1"), "\r\n\r\n", "\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n", 1)
		if _, err := c.Write([]byte(up)); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("upgrade: %v %v", res, err)
		}
		frame := maskedText(string(connect))
		frame[0] = 0x82 // binary
		if _, err := c.Write(frame); err != nil {
			t.Fatal(err)
		}
		ack := make([]byte, 6) // frame header + CONNACK
		if _, err := io.ReadFull(br, ack); err != nil || ack[2] != 0x20 || ack[5] != 0 {
			t.Fatalf("client %d: CONNACK %x %v", i, ack, err)
		}
	}
	relaytest.WaitFor(t, "clients connected", func() bool { return r.MQTT.Clients() == clients })
	per := relaytest.HeapGrowth(heap) / clients
	t.Logf("live heap per idle MQTT client: %d bytes", per)
	if per > 11<<10+512 {
		t.Fatalf("an idle MQTT client holds %d bytes of heap, want under 11.5 KiB", per)
	}
}
