//go:build !js

package waku

import (
	"testing"

	"github.com/posthorn/posthorn/relay/waku/internal/wakupb"
)

// Subscriber ping, unsubscribe and unsubscribe-all answer as the Filter v2
// RFC says: 200 on success, 404 when there is nothing to act on.
func TestFilterRequests(t *testing.T) {
	n := startNode(t, nil)
	c, pub := newClient(t, n), newClient(t, n)
	steps := []struct {
		name   string
		typ    uint64
		topics []string
		want   uint32
	}{
		{"ping before subscribing", wakupb.SubscriberPing, nil, statusNotFound},
		{"unsubscribe-all before subscribing", wakupb.UnsubscribeAll, nil, statusNotFound},
		{"subscribe", wakupb.Subscribe, []string{"t/a", "t/b"}, statusOK},
		{"refresh", wakupb.Subscribe, []string{"t/a"}, statusOK},
		{"ping", wakupb.SubscriberPing, nil, statusOK},
		{"unsubscribe one", wakupb.Unsubscribe, []string{"t/a"}, statusOK},
		{"unsubscribe it again", wakupb.Unsubscribe, []string{"t/a"}, statusNotFound},
		{"ping with one left", wakupb.SubscriberPing, nil, statusOK},
		{"unsubscribe-all", wakupb.UnsubscribeAll, nil, statusOK},
		{"ping after all", wakupb.SubscriberPing, nil, statusNotFound},
		{"subscribe again", wakupb.Subscribe, []string{"t/c"}, statusOK},
	}
	for _, s := range steps {
		if r := c.filter(t, s.typ, s.topics...); r.StatusCode != s.want {
			t.Errorf("%s: status %d %q, want %d", s.name, r.StatusCode, r.StatusDesc, s.want)
		}
	}
	if got := n.Subscriptions(); got != 1 {
		t.Errorf("%d subscriptions, want 1", got)
	}
	// Only t/c is left: a message on t/a or t/b would arrive before it.
	for _, topic := range []string{"t/a", "t/b", "t/c"} {
		pub.publish(t, topic, topic)
	}
	if m := c.next(t); m.ContentTopic != "t/c" {
		t.Errorf("pushed %q after unsubscribing it", m.ContentTopic)
	}
}

// Malformed or invalid requests get an error answer, with the request id
// when it could be read, and the node goes on serving.
func TestBadRequests(t *testing.T) {
	n := startNode(t, &Options{MaxMessageBytes: 1 << 10})
	c := newClient(t, n)
	frame := func(b []byte) []byte { return wakupb.AppendFrame(nil, b) }
	filterReq := func(r wakupb.FilterRequest) []byte { return frame(wakupb.AppendFilterRequest(nil, r)) }
	filters := []struct {
		name string
		raw  []byte
		want uint32
	}{
		{"not protobuf", frame([]byte{0xff, 0xff, 0xff}), statusBadRequest},
		{"string field as varint", frame([]byte{0x08, 0x01}), statusBadRequest},
		{"truncated frame", []byte{0x10, 0x0a}, statusBadRequest},
		{"over the size limit", wakupb.AppendFrame(nil, make([]byte, 2<<10)), statusBadRequest},
		{"length prefix overflows", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, statusBadRequest},
		{"unknown type", filterReq(wakupb.FilterRequest{RequestID: "x", Type: 9}), statusBadRequest},
		{"subscribe without pubsub topic", filterReq(wakupb.FilterRequest{RequestID: "x", Type: wakupb.Subscribe, ContentTopics: []string{"a"}}), statusBadRequest},
		{"subscribe on another pubsub topic", filterReq(wakupb.FilterRequest{RequestID: "x", Type: wakupb.Subscribe, PubsubTopic: "/waku/2/rs/0/1", ContentTopics: []string{"a"}}), statusBadRequest},
		{"subscribe to no topic", filterReq(wakupb.FilterRequest{RequestID: "x", Type: wakupb.Subscribe, PubsubTopic: PubsubTopic}), statusBadRequest},
		{"unsubscribe from no topic", filterReq(wakupb.FilterRequest{RequestID: "x", Type: wakupb.Unsubscribe, PubsubTopic: PubsubTopic}), statusBadRequest},
		{"empty content topic", filterReq(wakupb.FilterRequest{RequestID: "x", Type: wakupb.Subscribe, PubsubTopic: PubsubTopic, ContentTopics: []string{""}}), statusBadRequest},
	}
	for _, f := range filters {
		if r := c.filterRaw(t, f.raw); r.StatusCode != f.want {
			t.Errorf("filter, %s: status %d %q, want %d", f.name, r.StatusCode, r.StatusDesc, f.want)
		} else if r.StatusDesc == "" {
			t.Errorf("filter, %s: no status description", f.name)
		}
	}
	msg := wakupb.AppendMessage(nil, wakupb.Message{Payload: []byte("x"), ContentTopic: "t"})
	pushes := []struct {
		name string
		raw  []byte
	}{
		{"not protobuf", frame([]byte{0xff, 0xff})},
		{"no request", frame(wakupb.AppendPushResponse(nil, "id", true, ""))},
		{"another pubsub topic", frame(wakupb.AppendPushRequest(nil, "id", "/waku/2/rs/0/1", msg))},
		{"message not protobuf", frame(wakupb.AppendPushRequest(nil, "id", PubsubTopic, []byte{0xff}))},
		{"message without content topic", frame(wakupb.AppendPushRequest(nil, "id", PubsubTopic, wakupb.AppendMessage(nil, wakupb.Message{Payload: []byte("x")})))},
		{"over the size limit", frame(wakupb.AppendPushRequest(nil, "id", PubsubTopic, wakupb.AppendMessage(nil, wakupb.Message{Payload: make([]byte, 2<<10), ContentTopic: "t"})))},
	}
	for _, p := range pushes {
		if r := c.pushRaw(t, p.raw); r.Success || r.Info == "" {
			t.Errorf("lightpush, %s: answered %+v, want a failure with its reason", p.name, r)
		}
	}
	if got := n.Totals(); got.Refused != int64(len(filters)+len(pushes)) || got.MessagesIn != 0 {
		t.Errorf("totals %+v, want %d refused and no message in", got, len(filters)+len(pushes))
	}
	if r := c.filter(t, wakupb.Subscribe, "t"); r.StatusCode != statusOK {
		t.Fatalf("subscribe after bad requests: %+v", r)
	}
	if r := c.publish(t, "t", "still serving"); !r.Success {
		t.Fatalf("lightpush after bad requests: %+v", r)
	}
	if m := c.next(t); string(m.Payload) != "still serving" {
		t.Errorf("pushed %q", m.Payload)
	}
}
