package waku

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Protocol ids.
const (
	LightPushID       = "/vac/waku/lightpush/2.0.0-beta1"
	FilterSubscribeID = "/vac/waku/filter-subscribe/2.0.0-beta1"
	FilterPushID      = "/vac/waku/filter-push/2.0.0-beta1"
)

// DefaultPubsubTopic is the pubsub topic of @waku/sdk 0.0.22, used by
// Trystero 0.18, which names none.
const DefaultPubsubTopic = "/waku/2/default-waku/proto"

// ErrProto reports a malformed protobuf.
var ErrProto = errors.New("waku: malformed message")

// Message is a WakuMessage (version 0: the payload is not encrypted).
type Message struct {
	Payload      []byte
	ContentTopic string
	Version      uint32
	Timestamp    int64 // ns since the epoch; 0 means absent
	Meta         []byte
	Ephemeral    bool
}

func (m *Message) appendTo(b []byte) []byte {
	b = appendBytes(b, 1, m.Payload)
	b = appendString(b, 2, m.ContentTopic)
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(m.Version))
	if m.Timestamp != 0 {
		b = protowire.AppendTag(b, 10, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(m.Timestamp))
	}
	if m.Meta != nil {
		b = appendBytes(b, 11, m.Meta)
	}
	if m.Ephemeral {
		b = protowire.AppendTag(b, 31, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	return b
}

// Marshal encodes m as @waku/proto's WakuMessage.
func (m *Message) Marshal() []byte { return m.appendTo(nil) }

// ParseMessage decodes a WakuMessage. Unknown fields (the RLN proof) are
// skipped.
func ParseMessage(b []byte) (Message, error) {
	var m Message
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			m.Payload = v
		case num == 2 && typ == protowire.BytesType:
			m.ContentTopic = string(v)
		case num == 3 && typ == protowire.VarintType:
			m.Version = uint32(x)
		case num == 10 && typ == protowire.VarintType:
			m.Timestamp = protowire.DecodeZigZag(x)
		case num == 11 && typ == protowire.BytesType:
			m.Meta = v
		case num == 31 && typ == protowire.VarintType:
			m.Ephemeral = x != 0
		}
		return nil
	})
	return m, err
}

// marshalPushRequest encodes a PushRPC carrying a request.
func marshalPushRequest(requestID, pubsubTopic string, m *Message) []byte {
	var req []byte
	req = appendString(req, 1, pubsubTopic)
	req = appendBytes(req, 2, m.Marshal())
	var b []byte
	b = appendString(b, 1, requestID)
	return appendBytes(b, 2, req)
}

// pushResponse is a PushRPC's response.
type pushResponse struct {
	RequestID string
	HasResp   bool
	Success   bool
	Info      string
}

func parsePushResponse(b []byte) (pushResponse, error) {
	var r pushResponse
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			r.RequestID = string(v)
		case num == 3 && typ == protowire.BytesType:
			r.HasResp = true
			return fields(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case num == 1 && typ == protowire.VarintType:
					r.Success = x != 0
				case num == 2 && typ == protowire.BytesType:
					r.Info = string(v)
				}
				return nil
			})
		}
		return nil
	})
	return r, err
}

// The filter-subscribe request types.
const (
	subscriberPing = 0
	subscribe      = 1
	unsubscribe    = 2
)

func marshalFilterRequest(requestID string, typ int, pubsubTopic string, contentTopics []string) []byte {
	var b []byte
	b = appendString(b, 1, requestID)
	if typ != subscriberPing { // protons leaves the enum's zero value out
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(typ))
		b = appendString(b, 10, pubsubTopic)
		for _, t := range contentTopics {
			b = appendString(b, 11, t)
		}
	}
	return b
}

// filterResponse is a FilterSubscribeResponse.
type filterResponse struct {
	RequestID string
	Status    uint32
	Desc      string
}

func parseFilterResponse(b []byte) (filterResponse, error) {
	var r filterResponse
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			r.RequestID = string(v)
		case num == 10 && typ == protowire.VarintType:
			r.Status = uint32(x)
		case num == 11 && typ == protowire.BytesType:
			r.Desc = string(v)
		}
		return nil
	})
	return r, err
}

// Push is a filter MessagePush.
type Push struct {
	PubsubTopic string
	Message     Message
	HasMessage  bool
}

// ParsePush decodes a MessagePush.
func ParsePush(b []byte) (Push, error) {
	var p Push
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			m, err := ParseMessage(v)
			if err != nil {
				return err
			}
			p.Message, p.HasMessage = m, true
		case num == 2 && typ == protowire.BytesType:
			p.PubsubTopic = string(v)
		}
		return nil
	})
	return p, err
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// fields calls f for every field of the protobuf b: v for length-delimited
// fields, x for varints; other wire types are skipped.
func fields(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrProto, protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("%w: field %d: %v", ErrProto, num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}
