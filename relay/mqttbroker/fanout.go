package mqttbroker

import (
	"bytes"
	"slices"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// fanOut queues pk for every client subscribed to its topic, in place of
// mochi's delivery, which copies the payload for each subscriber, encodes
// it again for each, and bounds a client's queue by packets, not bytes.
// Here one packet, payload included, is shared by every delivery, and it is
// encoded once for all MQTT 3.1 and 3.1.1 clients (Trystero's MQTT.js
// speaks 3.1.1), to whom it is the same bytes: QoS 0, no properties, RETAIN
// cleared (MQTT 3.1.1 §3.3.1.3). Everything is delivered at QoS 0 (the
// broker's maximum) without topic aliases, which the server never has to use
// (MQTT 5.0 §3.3.2.3.4).
func (h *limitHook) fanOut(pk packets.Packet) {
	shared := &packets.Packet{
		FixedHeader:     packets.FixedHeader{Type: packets.Publish},
		ProtocolVersion: pk.ProtocolVersion,
		TopicName:       pk.TopicName,
		Payload:         pk.Payload, // mochi reads every packet into a fresh buffer
		Properties:      pk.Properties,
		Created:         pk.Created,
		Expiry:          pk.Expiry,
		Origin:          pk.Origin,
	}
	shared.Properties.TopicAlias, shared.Properties.TopicAliasFlag = 0, false
	shared.Properties.SubscriptionIdentifier = nil

	var encoded []byte // for MQTT 3.x clients, made for the first of them

	subs := h.mochi.Topics.Subscribers(pk.TopicName)
	if len(subs.Shared) > 0 { // MQTT 5 shared subscriptions: one client per group
		subs.SelectShared()
		subs.MergeSharedSelected()
	}
	for id, sub := range subs.Subscriptions {
		if sub.NoLocal && pk.Origin == id { // MQTT 5.0 §3.8.3.1
			continue
		}
		q := h.queue(id)
		if q == nil {
			continue
		}
		var d delivery
		if q.cl.Properties.ProtocolVersion < 5 {
			if encoded == nil {
				encoded = encodeV3(shared)
			}
			d = delivery{encoded: encoded}
		} else {
			d = delivery{pk: shared, retain: retainFlag(q.cl, sub, pk)}
			for _, n := range sub.Identifiers {
				d.subIDs = append(d.subIDs, n)
			}
			slices.Sort(d.subIDs)
		}
		if q.push(d) == full {
			h.counters.QueueDrops.Add(1)
		}
	}
}

// encodeV3 returns pk (QoS 0, RETAIN clear) as MQTT 3.1 and 3.1.1 encode it.
func encodeV3(pk *packets.Packet) []byte {
	out := *pk
	out.ProtocolVersion = 4
	var b bytes.Buffer
	b.Grow(5 + 2 + len(pk.TopicName) + len(pk.Payload)) // fixed header, topic, payload
	out.PublishEncode(&b)                               // fails only without a packet id at QoS > 0
	return b.Bytes()
}

// retainFlag is the RETAIN flag of a delivery: kept only for an MQTT 5
// subscription with Retain As Published (MQTT 5.0 §3.3.1.3).
func retainFlag(cl *mqtt.Client, sub packets.Subscription, pk packets.Packet) bool {
	return pk.FixedHeader.Retain && cl.Properties.ProtocolVersion == 5 && sub.RetainAsPublished
}
