//go:build !js

package waku

import (
	"errors"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// lightPush answers a LightPush request: the message goes to the filter
// subscribers of its content topic, with no relay network behind (§7.5.1).
func (n *Node) lightPush(c *client, frame []byte, readErr error) []byte {
	var rpc wakupb.PushRPC
	if readErr == nil {
		rpc, readErr = wakupb.DecodePushRPC(frame)
	}
	fail := func(info string) []byte {
		n.log.Debug("lightpush refused", "peer", c.id, "reason", info)
		return wakupb.AppendPushResponse(nil, rpc.RequestID, false, info)
	}
	if errors.Is(readErr, errBusy) {
		n.stats.Refused.Add(1)
		return fail(readErr.Error())
	}
	if readErr != nil {
		n.stats.Refused.Add(1)
		return fail("bad request: " + readErr.Error())
	}
	if !n.allow(c) {
		return fail("rate limited")
	}
	if !rpc.HasRequest {
		n.stats.Refused.Add(1)
		return fail("bad request: no push request")
	}
	if rpc.PubsubTopic != PubsubTopic {
		n.stats.Refused.Add(1)
		return fail("unsupported pubsub topic")
	}
	m, err := wakupb.DecodeMessage(rpc.Message)
	if err == nil {
		if why := n.checkTopic(m.ContentTopic); why != "" {
			n.stats.Refused.Add(1)
			return fail("bad message: " + why)
		}
	} else {
		n.stats.Refused.Add(1)
		return fail("bad message: " + err.Error())
	}
	n.stats.MessagesIn.Add(1)
	n.stats.BytesIn.Add(int64(len(frame)))
	n.publish(m.ContentTopic, wakupb.AppendFrame(nil, wakupb.AppendMessagePush(nil, rpc.Message, PubsubTopic)))
	return wakupb.AppendPushResponse(nil, rpc.RequestID, true, "")
}

// publish queues frame for every subscriber of topic, the publisher included
// if it subscribed.
func (n *Node) publish(topic string, frame []byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for c := range n.topics[topic] {
		if !c.queue.put(frame) {
			n.stats.QueueDrops.Add(1)
		}
	}
}
