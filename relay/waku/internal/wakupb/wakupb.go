// Package wakupb encodes and decodes the few protobuf messages of Waku
// LightPush and Filter v2 that the service node speaks (docs/protocol-0.18.md
// §7.5.1), by hand with protowire: six small messages do not justify a code
// generator, and a WakuMessage is only looked into for its content topic and
// otherwise forwarded as the bytes the publisher sent.
package wakupb

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Filter subscribe request types (FilterSubscribeRequest.filter_subscribe_type).
const (
	SubscriberPing = 0
	Subscribe      = 1
	Unsubscribe    = 2
	UnsubscribeAll = 3
)

// Field numbers, from the Filter v2 and LightPush protobufs.
const (
	fReqID       = 1  // request_id in FilterSubscribeRequest/Response and PushRpc
	fFilterType  = 2  // FilterSubscribeRequest.filter_subscribe_type
	fPubsub      = 10 // FilterSubscribeRequest.pubsub_topic
	fContent     = 11 // FilterSubscribeRequest.content_topics
	fStatusCode  = 10 // FilterSubscribeResponse.status_code
	fStatusDesc  = 11 // FilterSubscribeResponse.status_desc
	fPushMsg     = 1  // MessagePush.waku_message
	fPushPubsub  = 2  // MessagePush.pubsub_topic
	fRPCRequest  = 2  // PushRpc.request
	fRPCResponse = 3  // PushRpc.response
	fReqPubsub   = 1  // PushRequest.pubsub_topic
	fReqMessage  = 2  // PushRequest.message
	fRespOK      = 1  // PushResponse.is_success
	fRespInfo    = 2  // PushResponse.info
	fMsgPayload  = 1  // WakuMessage.payload
	fMsgContent  = 2  // WakuMessage.content_topic
	fMsgVersion  = 3  // WakuMessage.version
	fMsgEphem    = 31 // WakuMessage.ephemeral
)

// ErrMalformed wraps every decoding error.
var ErrMalformed = errors.New("wakupb: malformed message")

// FilterRequest is a FilterSubscribeRequest.
type FilterRequest struct {
	RequestID     string
	Type          uint64
	PubsubTopic   string
	ContentTopics []string
}

// PushRPC is a PushRpc as a LightPush client sends it: a request id and a
// PushRequest (HasRequest), or a response (HasResponse) as the node answers.
type PushRPC struct {
	RequestID   string
	HasRequest  bool
	PubsubTopic string
	Message     []byte // the WakuMessage, encoded as the publisher sent it
	HasResponse bool
	Success     bool
	Info        string
}

// FilterResponse is a FilterSubscribeResponse.
type FilterResponse struct {
	RequestID  string
	StatusCode uint32
	StatusDesc string
}

// Message is the part of a WakuMessage this package reads or writes.
type Message struct {
	Payload      []byte
	ContentTopic string
	Version      uint32
	Ephemeral    bool
}

// MessagePush is a filter push: a WakuMessage and its pubsub topic.
type MessagePush struct {
	Message     []byte
	PubsubTopic string
}

// fields calls f for each field of b, stopping at the first error.
func fields(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error) error {
	for len(b) > 0 {
		num, typ, tn := protowire.ConsumeTag(b)
		if tn < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(tn))
		}
		vn := protowire.ConsumeFieldValue(num, typ, b[tn:])
		if vn < 0 {
			return fmt.Errorf("%w: field %d: %v", ErrMalformed, num, protowire.ParseError(vn))
		}
		v := b[tn : tn+vn]
		var val []byte
		var n uint64
		switch typ {
		case protowire.BytesType:
			val, _ = protowire.ConsumeBytes(v)
		case protowire.VarintType:
			n, _ = protowire.ConsumeVarint(v)
		}
		if err := f(num, typ, val, n); err != nil {
			return err
		}
		b = b[tn+vn:]
	}
	return nil
}

func str(num protowire.Number, typ protowire.Type, v []byte) (string, error) {
	if typ != protowire.BytesType {
		return "", fmt.Errorf("%w: field %d is not length-delimited", ErrMalformed, num)
	}
	if !utf8.Valid(v) {
		return "", fmt.Errorf("%w: field %d is not UTF-8", ErrMalformed, num)
	}
	return string(v), nil
}

func want(num protowire.Number, typ, is protowire.Type) error {
	if typ != is {
		return fmt.Errorf("%w: field %d has wire type %d", ErrMalformed, num, typ)
	}
	return nil
}

// DecodeFilterRequest parses a FilterSubscribeRequest; unknown fields are
// skipped.
func DecodeFilterRequest(b []byte) (FilterRequest, error) {
	var r FilterRequest
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fReqID:
			r.RequestID, err = str(num, typ, v)
		case fFilterType:
			r.Type, err = n, want(num, typ, protowire.VarintType)
		case fPubsub:
			r.PubsubTopic, err = str(num, typ, v)
		case fContent:
			var s string
			if s, err = str(num, typ, v); err == nil {
				r.ContentTopics = append(r.ContentTopics, s)
			}
		}
		return err
	})
	return r, err
}

// AppendFilterRequest appends r encoded.
func AppendFilterRequest(b []byte, r FilterRequest) []byte {
	b = appendString(b, fReqID, r.RequestID)
	if r.Type != 0 {
		b = protowire.AppendTag(b, fFilterType, protowire.VarintType)
		b = protowire.AppendVarint(b, r.Type)
	}
	b = appendString(b, fPubsub, r.PubsubTopic)
	for _, t := range r.ContentTopics {
		b = protowire.AppendTag(b, fContent, protowire.BytesType)
		b = protowire.AppendString(b, t)
	}
	return b
}

// AppendFilterResponse appends a FilterSubscribeResponse.
func AppendFilterResponse(b []byte, r FilterResponse) []byte {
	b = appendString(b, fReqID, r.RequestID)
	if r.StatusCode != 0 {
		b = protowire.AppendTag(b, fStatusCode, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(r.StatusCode))
	}
	return appendString(b, fStatusDesc, r.StatusDesc)
}

// DecodeFilterResponse parses a FilterSubscribeResponse.
func DecodeFilterResponse(b []byte) (FilterResponse, error) {
	var r FilterResponse
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fReqID:
			r.RequestID, err = str(num, typ, v)
		case fStatusCode:
			r.StatusCode, err = uint32(n), want(num, typ, protowire.VarintType)
		case fStatusDesc:
			r.StatusDesc, err = str(num, typ, v)
		}
		return err
	})
	return r, err
}

// DecodePushRPC parses a PushRpc with its PushRequest or PushResponse. The
// request's WakuMessage is returned as its encoded bytes, checked to parse.
func DecodePushRPC(b []byte) (PushRPC, error) {
	var r PushRPC
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fReqID:
			r.RequestID, err = str(num, typ, v)
		case fRPCRequest:
			if err = want(num, typ, protowire.BytesType); err == nil {
				r.HasRequest = true
				err = decodePushRequest(v, &r)
			}
		case fRPCResponse:
			if err = want(num, typ, protowire.BytesType); err == nil {
				r.HasResponse = true
				err = decodePushResponse(v, &r)
			}
		}
		return err
	})
	return r, err
}

func decodePushRequest(b []byte, r *PushRPC) error {
	return fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fReqPubsub:
			r.PubsubTopic, err = str(num, typ, v)
		case fReqMessage:
			if err = want(num, typ, protowire.BytesType); err == nil {
				r.Message = v
			}
		}
		return err
	})
}

func decodePushResponse(b []byte, r *PushRPC) error {
	return fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fRespOK:
			r.Success, err = n != 0, want(num, typ, protowire.VarintType)
		case fRespInfo:
			r.Info, err = str(num, typ, v)
		}
		return err
	})
}

// AppendPushRequest appends a PushRpc carrying a request to publish msg (an
// encoded WakuMessage) on pubsubTopic.
func AppendPushRequest(b []byte, requestID, pubsubTopic string, msg []byte) []byte {
	var req []byte
	req = appendString(req, fReqPubsub, pubsubTopic)
	req = protowire.AppendTag(req, fReqMessage, protowire.BytesType)
	req = protowire.AppendBytes(req, msg)
	b = appendString(b, fReqID, requestID)
	b = protowire.AppendTag(b, fRPCRequest, protowire.BytesType)
	return protowire.AppendBytes(b, req)
}

// AppendPushResponse appends a PushRpc carrying the node's answer.
func AppendPushResponse(b []byte, requestID string, ok bool, info string) []byte {
	var resp []byte
	if ok {
		resp = protowire.AppendTag(resp, fRespOK, protowire.VarintType)
		resp = protowire.AppendVarint(resp, 1)
	}
	resp = appendString(resp, fRespInfo, info)
	b = appendString(b, fReqID, requestID)
	b = protowire.AppendTag(b, fRPCResponse, protowire.BytesType)
	return protowire.AppendBytes(b, resp)
}

// AppendMessagePush appends a MessagePush of msg (an encoded WakuMessage).
func AppendMessagePush(b []byte, msg []byte, pubsubTopic string) []byte {
	b = protowire.AppendTag(b, fPushMsg, protowire.BytesType)
	b = protowire.AppendBytes(b, msg)
	return appendString(b, fPushPubsub, pubsubTopic)
}

// DecodeMessagePush parses a MessagePush.
func DecodeMessagePush(b []byte) (MessagePush, error) {
	var p MessagePush
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fPushMsg:
			if err = want(num, typ, protowire.BytesType); err == nil {
				p.Message = v
			}
		case fPushPubsub:
			p.PubsubTopic, err = str(num, typ, v)
		}
		return err
	})
	return p, err
}

// DecodeMessage parses the fields of a WakuMessage that Message holds.
func DecodeMessage(b []byte) (Message, error) {
	var m Message
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		var err error
		switch num {
		case fMsgPayload:
			if err = want(num, typ, protowire.BytesType); err == nil {
				m.Payload = v
			}
		case fMsgContent:
			m.ContentTopic, err = str(num, typ, v)
		case fMsgVersion:
			m.Version, err = uint32(n), want(num, typ, protowire.VarintType)
		case fMsgEphem:
			m.Ephemeral, err = n != 0, want(num, typ, protowire.VarintType)
		}
		return err
	})
	return m, err
}

// AppendMessage appends m as a WakuMessage.
func AppendMessage(b []byte, m Message) []byte {
	if len(m.Payload) > 0 {
		b = protowire.AppendTag(b, fMsgPayload, protowire.BytesType)
		b = protowire.AppendBytes(b, m.Payload)
	}
	b = appendString(b, fMsgContent, m.ContentTopic)
	if m.Version != 0 {
		b = protowire.AppendTag(b, fMsgVersion, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(m.Version))
	}
	if m.Ephemeral {
		b = protowire.AppendTag(b, fMsgEphem, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	return b
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}
