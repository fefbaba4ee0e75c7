package wakupb

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

// Bytes as @waku/proto 0.0.6 (protons) encodes them, written out from its
// generated code: a subscribe request with request id "r", pubsub topic "p"
// and content topics "a" and "b".
var subscribeBytes = []byte{0x0a, 0x01, 'r', 0x10, 0x01, 0x52, 0x01, 'p', 0x5a, 0x01, 'a', 0x5a, 0x01, 'b'}

func TestFilterRequestRoundTrip(t *testing.T) {
	want := FilterRequest{RequestID: "r", Type: Subscribe, PubsubTopic: "p", ContentTopics: []string{"a", "b"}}
	if got := AppendFilterRequest(nil, want); !bytes.Equal(got, subscribeBytes) {
		t.Errorf("encoded % x, want % x", got, subscribeBytes)
	}
	got, err := DecodeFilterRequest(subscribeBytes)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v, %v", got, err)
	}
}

func TestPushRoundTrip(t *testing.T) {
	msg := AppendMessage(nil, Message{Payload: []byte("hi"), ContentTopic: "c", Version: 0, Ephemeral: true})
	rpc, err := DecodePushRPC(AppendPushRequest(nil, "id", "p", msg))
	if err != nil || !rpc.HasRequest || rpc.RequestID != "id" || rpc.PubsubTopic != "p" || !bytes.Equal(rpc.Message, msg) {
		t.Fatalf("request %+v, %v", rpc, err)
	}
	m, err := DecodeMessage(rpc.Message)
	if err != nil || string(m.Payload) != "hi" || m.ContentTopic != "c" || !m.Ephemeral {
		t.Fatalf("message %+v, %v", m, err)
	}
	resp, err := DecodePushRPC(AppendPushResponse(nil, "id", true, "ok"))
	if err != nil || !resp.HasResponse || !resp.Success || resp.Info != "ok" {
		t.Fatalf("response %+v, %v", resp, err)
	}
	p, err := DecodeMessagePush(AppendMessagePush(nil, msg, "p"))
	if err != nil || !bytes.Equal(p.Message, msg) || p.PubsubTopic != "p" {
		t.Fatalf("push %+v, %v", p, err)
	}
	fr, err := DecodeFilterResponse(AppendFilterResponse(nil, FilterResponse{RequestID: "r", StatusCode: 404, StatusDesc: "no"}))
	if err != nil || fr != (FilterResponse{RequestID: "r", StatusCode: 404, StatusDesc: "no"}) {
		t.Fatalf("filter response %+v, %v", fr, err)
	}
}

func TestReadFrame(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"whole", AppendFrame(nil, []byte("abc")), nil},
		{"empty stream", nil, io.EOF},
		{"too large", AppendFrame(nil, make([]byte, 9)), ErrTooLarge},
		{"truncated", []byte{5, 'a'}, ErrMalformed},
		{"prefix overflows", bytes.Repeat([]byte{0xff}, 11), ErrMalformed},
	} {
		_, err := ReadFrame(bufio.NewReader(bytes.NewReader(tc.in)), 8)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// Decoders never panic and either fail with ErrMalformed or return what
// re-encodes to a message that decodes the same.
func FuzzDecode(f *testing.F) {
	f.Add(subscribeBytes)
	f.Add(AppendPushRequest(nil, "id", "p", AppendMessage(nil, Message{Payload: []byte("x"), ContentTopic: "c"})))
	f.Add([]byte{0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := DecodeFilterRequest(b); err == nil {
			again, err := DecodeFilterRequest(AppendFilterRequest(nil, r))
			if err != nil || !reflect.DeepEqual(again.ContentTopics, r.ContentTopics) || again.RequestID != r.RequestID {
				t.Errorf("filter request %+v re-decoded as %+v, %v", r, again, err)
			}
		} else if !errors.Is(err, ErrMalformed) {
			t.Errorf("error %v is not ErrMalformed", err)
		}
		if r, err := DecodePushRPC(b); err == nil && r.HasRequest {
			if _, err := DecodeMessage(r.Message); err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v is not ErrMalformed", err)
			}
		}
		_, _ = DecodeMessagePush(b)
		_, _ = DecodeFilterResponse(b)
	})
}
