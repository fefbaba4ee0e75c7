package nostrrelay

import "encoding/json"

// refuseRateLimited answers a message that arrived over the connection's
// rate limit the way NIP-01 lets a client act on it: an EVENT gets
// ["OK", id, false, "rate-limited: …"] and a REQ gets
// ["CLOSED", subID, "rate-limited: …"], so the client knows which event
// was not relayed and which subscription does not exist, and can send them
// again later (signal/nostr subscribes again after a wait). Anything else,
// or a message whose id cannot be read, gets a NOTICE. Only the envelope
// and the event's id are decoded; the message is bounded by MaxMessageSize.
func refuseRateLimited(data []byte) []byte {
	reason := ErrRateLimited.Error()
	var arr []json.RawMessage
	var typ string
	if json.Unmarshal(data, &arr) != nil || len(arr) < 2 || json.Unmarshal(arr[0], &typ) != nil {
		return notice(reason)
	}
	switch typ {
	case "EVENT":
		if id := eventIDOf(arr[1]); id != "" {
			return ok(id, false, reason)
		}
	case "REQ":
		var sub string
		if json.Unmarshal(arr[1], &sub) == nil && sub != "" && len(sub) <= maxSubIDLen {
			return closed(sub, reason)
		}
	}
	return notice(reason)
}
