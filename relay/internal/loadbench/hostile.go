//go:build !js

package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/posthorn/posthorn/internal/nip01"
)

// hostile is one attack of issue 14, run in a loop until the bench ends.
type hostile struct {
	name string
	run  func(ctx context.Context, base string)
	// a and b are what stats reports, named by labels.
	a, b   atomic.Int64
	labels [2]string
}

func (h *hostile) stats() string {
	return fmt.Sprintf("%s %d, %s %d", h.labels[0], h.a.Load(), h.labels[1], h.b.Load())
}

var hostiles = []*hostile{
	{name: "nostr REQ amplifier", labels: [2]string{"cycles", "stored events"}},
	{name: "nostr 16-filter query flood", labels: [2]string{"REQs", "rate-limited"}},
	{name: "nostr long id lists", labels: [2]string{"REQs", "refused"}},
	{name: "mqtt non-reading subscribers", labels: [2]string{"100 KB publishes", "subscriber reconnects"}},
	{name: "mqtt 32,766-level filter", labels: [2]string{"SUBSCRIBEs", "refused"}},
	{name: "idle connection flood", labels: [2]string{"admitted", "refused"}},
	{name: "tracker takeover and slow reader", labels: [2]string{"takeovers tried", "refused"}},
}

func init() {
	hostiles[0].run = hostiles[0].reqAmplifier
	hostiles[1].run = hostiles[1].queryFlood
	hostiles[2].run = hostiles[2].longIDLists
	hostiles[3].run = hostiles[3].mqttNonReaders
	hostiles[4].run = hostiles[4].mqttDeepFilter
	hostiles[5].run = hostiles[5].idleFlood
	hostiles[6].run = hostiles[6].trackerTakeover
}

func write(ctx context.Context, ws *websocket.Conn, typ websocket.MessageType, b []byte) error {
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return ws.Write(wctx, typ, b)
}

// discard reads and drops every message until the connection ends.
func discard(ctx context.Context, ws *websocket.Conn) {
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			return
		}
	}
}

func pause(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// reqAmplifier stores 100 KB events, then has clients that never read ask
// for all of them, three REQs each, over and over.
func (h *hostile) reqAmplifier(ctx context.Context, base string) {
	ws, err := dialWS(ctx, base+"/nostr", clientIP(2, 0))
	if err != nil {
		return
	}
	keys, content := nip01.NewKeys(), strings.Repeat("x", 100_000)
	for i := range 60 {
		e := nip01.Event{Kind: 1, CreatedAt: time.Now().Unix() + int64(i), Content: content, Tags: [][]string{}}
		keys.Sign(&e)
		b := e.Marshal()
		if write(ctx, ws, websocket.MessageText, append(append([]byte(`["EVENT",`), b...), ']')) == nil {
			h.b.Add(1)
		}
		ws.Read(ctx) // OK
	}
	ws.CloseNow()
	for cycle := 0; pause(ctx, time.Second); cycle++ {
		for i := range 4 {
			c, err := dialWS(ctx, base+"/nostr", clientIP(3, cycle%50*4+i))
			if err != nil {
				continue
			}
			for j := range 3 {
				write(ctx, c, websocket.MessageText, fmt.Appendf(nil, `["REQ","r%d",{}]`, j))
			}
			defer c.CloseNow()
		}
		h.a.Add(1)
	}
}

// queryFlood sends REQs of 16 filters that match nothing or ask for
// nothing, reading the answers, as fast as the relay lets it.
func (h *hostile) queryFlood(ctx context.Context, base string) {
	filters := strings.TrimSuffix(strings.Repeat(`{"limit":0},{"authors":["nobody"]},`, 8), ",")
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, base+"/nostr", clientIP(4, 0))
		if err != nil {
			pause(ctx, time.Second)
			continue
		}
		go func() {
			for {
				_, b, err := ws.Read(ctx)
				if err != nil {
					return
				}
				if bytes.Contains(b, []byte("rate-limited")) {
					h.b.Add(1)
				}
			}
		}()
		for write(ctx, ws, websocket.MessageText, []byte(`["REQ","q",`+filters+`]`)) == nil {
			h.a.Add(1)
			time.Sleep(time.Millisecond)
		}
		ws.CloseNow()
	}
}

// longIDLists sends REQs with 1,800 ids each.
func (h *hostile) longIDLists(ctx context.Context, base string) {
	ids := make([]string, 1800)
	for i := range ids {
		ids[i] = fmt.Sprintf(`"%064d"`, i)
	}
	req := []byte(`["REQ","ids",{"ids":[` + strings.Join(ids, ",") + `]}]`)
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, base+"/nostr", clientIP(5, 0))
		if err != nil {
			pause(ctx, time.Second)
			continue
		}
		for write(ctx, ws, websocket.MessageText, req) == nil {
			h.a.Add(1)
			if _, b, err := ws.Read(ctx); err == nil && bytes.Contains(b, []byte("NOTICE")) {
				h.b.Add(1)
			}
			time.Sleep(20 * time.Millisecond)
		}
		ws.CloseNow()
	}
}

// mqttPacket encodes an MQTT 3.1.1 packet with mochi's encoder.
func mqttPacket(pk packets.Packet, encode func(*packets.Packet, *bytes.Buffer) error) []byte {
	pk.ProtocolVersion = 4
	var b bytes.Buffer
	encode(&pk, &b)
	return b.Bytes()
}

var (
	mqttConnectKA0 = mqttPacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true}}, (*packets.Packet).ConnectEncode)
	mqttConnectKA60 = mqttPacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{ProtocolName: []byte("MQTT"), Clean: true, Keepalive: 60}}, (*packets.Packet).ConnectEncode)
)

func mqttSubscribe(filter string) []byte {
	return mqttPacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
		Filters: packets.Subscriptions{{Filter: filter}}}, (*packets.Packet).SubscribeEncode)
}

// mqttNonReaders keeps 20 keepalive-0 subscribers that never read on one
// topic and publishes 100 KB payloads to it as fast as allowed.
func (h *hostile) mqttNonReaders(ctx context.Context, base string) {
	const topic = "trystero/bench/hot"
	for i := range 20 {
		go func() {
			for ctx.Err() == nil {
				ws, err := dialWS(ctx, base+"/mqtt", clientIP(6, i), "mqtt")
				if err != nil {
					pause(ctx, time.Second)
					continue
				}
				write(ctx, ws, websocket.MessageBinary, mqttConnectKA0)
				write(ctx, ws, websocket.MessageBinary, mqttSubscribe(topic))
				// Never read; PINGREQ until the broker gives up on us.
				for write(ctx, ws, websocket.MessageBinary, []byte{0xc0, 0}) == nil && pause(ctx, time.Second) {
				}
				ws.CloseNow()
				h.b.Add(1)
			}
		}()
	}
	publish := mqttPacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: topic,
		Payload: bytes.Repeat([]byte{'x'}, 100_000)}, (*packets.Packet).PublishEncode)
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, base+"/mqtt", clientIP(6, 100), "mqtt")
		if err != nil {
			pause(ctx, time.Second)
			continue
		}
		write(ctx, ws, websocket.MessageBinary, mqttConnectKA60)
		go discard(ctx, ws)
		for write(ctx, ws, websocket.MessageBinary, publish) == nil && pause(ctx, 20*time.Millisecond) {
			h.a.Add(1)
		}
		ws.CloseNow()
	}
}

// mqttDeepFilter subscribes to a 32,766-level filter once a second.
func (h *hostile) mqttDeepFilter(ctx context.Context, base string) {
	sub := mqttSubscribe(strings.Repeat("a/", 32_765) + "a")
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, base+"/mqtt", clientIP(7, 0), "mqtt")
		if err != nil {
			pause(ctx, time.Second)
			continue
		}
		write(ctx, ws, websocket.MessageBinary, mqttConnectKA60)
		ws.Read(ctx) // CONNACK
		for write(ctx, ws, websocket.MessageBinary, sub) == nil {
			h.a.Add(1)
			if _, b, err := ws.Read(ctx); err == nil && len(b) >= 5 && b[0] == 0x90 && b[len(b)-1] >= 0x80 {
				h.b.Add(1)
			}
			if !pause(ctx, time.Second) {
				break
			}
		}
		ws.CloseNow()
	}
}

// idleFlood opens connections of every kind from 40 addresses, 40 per
// address, that never send anything, and reopens them when closed.
func (h *hostile) idleFlood(ctx context.Context, base string) {
	paths := []string{"/", "/nostr", "/mqtt"}
	for ip := range 40 {
		for i := range 40 {
			go func() {
				for ctx.Err() == nil {
					ws, err := dialWS(ctx, base+paths[i%3], clientIP(8, ip), "mqtt")
					if err != nil {
						h.b.Add(1)
						pause(ctx, 2*time.Second)
						continue
					}
					h.a.Add(1)
					ws.Read(ctx) // until the relay closes it
					ws.CloseNow()
				}
			}()
		}
	}
	<-ctx.Done()
}

// trackerTakeover announces the peer ids of well-behaved peers in their
// rooms, and keeps a slow reader in a busy swarm.
func (h *hostile) trackerTakeover(ctx context.Context, base string) {
	go func() {
		for ctx.Err() == nil {
			ws, err := dialWS(ctx, base+"/", clientIP(9, 1))
			if err != nil {
				pause(ctx, time.Second)
				continue
			}
			write(ctx, ws, websocket.MessageText, []byte(`{"action":"announce","info_hash":"room0000000000000000","peer_id":"slowreader0000000000","numwant":0}`))
			// Never read; scrape now and then until the tracker drops us.
			for write(ctx, ws, websocket.MessageText, []byte(`{"action":"scrape","info_hash":"room0000000000000000"}`)) == nil && pause(ctx, 5*time.Second) {
			}
			ws.CloseNow()
		}
	}()
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, base+"/", clientIP(9, 0))
		if err != nil {
			pause(ctx, time.Second)
			continue
		}
		for i := 0; ctx.Err() == nil; i = (i + 1) % 2000 {
			msg := fmt.Sprintf(`{"action":"announce","info_hash":"room%016d","peer_id":"peer%016d","numwant":0}`, i%500, i)
			if write(ctx, ws, websocket.MessageText, []byte(msg)) != nil {
				break
			}
			h.a.Add(1)
			if _, b, err := ws.Read(ctx); err == nil && bytes.Contains(b, []byte("belongs to another")) {
				h.b.Add(1)
			}
			pause(ctx, 25*time.Millisecond)
		}
		ws.CloseNow()
	}
}
