//go:build !js

package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"github.com/mochi-mqtt/server/v2/packets"
)

// mqttInterval is how often a bench peer publishes to its room. Trystero
// announces at every connect (protocol-0.18 §7.3); a steady 5 s announcement is
// a heavier, measurable stand-in.
const mqttInterval = 5 * time.Second

// runMQTTPeer connects like Trystero's MQTT.js (MQTT 3.1.1, clean session,
// keepalive 60), subscribes to its room's root and self topics and
// publishes its send time to the root every mqttInterval.
func runMQTTPeer(ctx context.Context, p peer) {
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, p.base+"/mqtt", p.ip, "mqtt")
		if err != nil {
			p.errs.add()
			time.Sleep(time.Second)
			continue
		}
		mqttSession(ctx, ws, p)
		ws.CloseNow()
	}
}

func mqttSession(ctx context.Context, ws *websocket.Conn, p peer) {
	root := fmt.Sprintf("trystero/bench/room%d", p.room)
	if write(ctx, ws, websocket.MessageBinary, mqttConnectKA60) != nil {
		p.errs.add()
		return
	}
	sub := mqttPacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
		Filters: packets.Subscriptions{{Filter: root}, {Filter: fmt.Sprintf("%s/peer%d", root, p.id)}}}, (*packets.Packet).SubscribeEncode)
	write(ctx, ws, websocket.MessageBinary, sub)
	go func() {
		t := time.NewTicker(mqttInterval)
		defer t.Stop()
		for n := 0; ; n++ {
			pub := mqttPacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: root,
				Payload: strconv.AppendInt(nil, time.Now().UnixNano(), 10)}, (*packets.Packet).PublishEncode)
			if write(ctx, ws, websocket.MessageBinary, pub) != nil {
				return
			}
			if n%6 == 5 { // PINGREQ every 30 s for keepalive 60
				write(ctx, ws, websocket.MessageBinary, []byte{0xc0, 0})
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	var buf []byte
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				p.errs.add()
			}
			return
		}
		// A message may hold several packets or part of one (MQTT 5.0 §6.0).
		buf = append(buf, b...)
		for n := packetLen(buf); n > 0; n = packetLen(buf) {
			if payload, ok := publishPayload(buf[:n]); ok {
				if ts, err := strconv.ParseInt(string(payload), 10, 64); err == nil {
					p.lat.since(ts)
				}
			}
			buf = buf[n:]
		}
	}
}

// packetLen returns the length of the whole MQTT packet at the start of b,
// or 0 if b does not hold all of it yet.
func packetLen(b []byte) int {
	n, mult := 0, 1
	for i := 1; i < len(b) && i <= 4; i++ {
		n += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			if total := i + 1 + n; total <= len(b) {
				return total
			}
			return 0
		}
		mult *= 128
	}
	return 0
}

// publishPayload returns the payload of a QoS 0 MQTT 3.1.1 PUBLISH packet.
func publishPayload(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0]>>4 != packets.Publish {
		return nil, false
	}
	i := 1
	for i < len(b) && b[i]&0x80 != 0 { // remaining length
		i++
	}
	i++
	if i+2 > len(b) {
		return nil, false
	}
	topicLen := int(b[i])<<8 | int(b[i+1])
	if i+2+topicLen > len(b) {
		return nil, false
	}
	return b[i+2+topicLen:], true
}
