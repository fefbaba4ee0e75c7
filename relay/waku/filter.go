//go:build !js

package waku

import (
	"errors"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// Status codes of filter-subscribe responses, HTTP-like as the RFC and
// nwaku use them (§7.5.1).
const (
	statusOK          = 200
	statusBadRequest  = 400
	statusNotFound    = 404
	statusTooMany     = 429
	statusUnavailable = 503
)

// filterSubscribe answers a Filter v2 subscribe, unsubscribe,
// unsubscribe-all or subscriber-ping request.
func (n *Node) filterSubscribe(c *client, frame []byte, readErr error) []byte {
	var req wakupb.FilterRequest
	if readErr == nil {
		req, readErr = wakupb.DecodeFilterRequest(frame)
	}
	answer := func(code uint32, desc string) []byte {
		if code != statusOK {
			n.log.Debug("filter request refused", "peer", c.id, "type", req.Type, "status", code, "reason", desc)
		}
		return wakupb.AppendFilterResponse(nil, wakupb.FilterResponse{RequestID: req.RequestID, StatusCode: code, StatusDesc: desc})
	}
	if errors.Is(readErr, errBusy) {
		n.stats.Refused.Add(1)
		return answer(statusUnavailable, readErr.Error())
	}
	if readErr != nil {
		n.stats.Refused.Add(1)
		return answer(statusBadRequest, "bad request: "+readErr.Error())
	}
	if !n.allow(c) {
		return answer(statusTooMany, "rate limited")
	}
	if req.Type == wakupb.Subscribe || req.Type == wakupb.Unsubscribe {
		if why := n.checkCriteria(req); why != "" {
			n.stats.Refused.Add(1)
			return answer(statusBadRequest, why)
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	switch req.Type {
	case wakupb.SubscriberPing:
		if len(c.topics) == 0 {
			return answer(statusNotFound, "no subscription")
		}
	case wakupb.Subscribe:
		if !n.subscribeLocked(c, req.ContentTopics) {
			n.stats.Refused.Add(1)
			return answer(statusUnavailable, "subscription limit reached")
		}
	case wakupb.Unsubscribe:
		if n.unsubscribeLocked(c, req.ContentTopics) == 0 {
			return answer(statusNotFound, "not subscribed")
		}
	case wakupb.UnsubscribeAll:
		if n.unsubscribeLocked(c, nil) == 0 {
			return answer(statusNotFound, "no subscription")
		}
	default:
		n.stats.Refused.Add(1)
		return answer(statusBadRequest, "unknown request type")
	}
	return answer(statusOK, "OK")
}

// checkCriteria validates the filter criteria of a subscribe or unsubscribe
// request: the node's pubsub topic and 1..MaxTopicsPerRequest valid content
// topics.
func (n *Node) checkCriteria(req wakupb.FilterRequest) string {
	switch {
	case req.PubsubTopic == "":
		return "pubsub topic required"
	case req.PubsubTopic != PubsubTopic:
		return "unsupported pubsub topic"
	case len(req.ContentTopics) == 0:
		return "content topics required"
	case len(req.ContentTopics) > n.opts.MaxTopicsPerRequest:
		return "too many content topics"
	}
	for _, t := range req.ContentTopics {
		if why := n.checkTopic(t); why != "" {
			return why
		}
	}
	return ""
}
