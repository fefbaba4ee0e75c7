package waku

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
)

// protoVectors are protobufs encoded by @waku/proto 0.0.5 (the version
// @waku/sdk 0.0.22 installs) in Node 20; testdata/README.md says how.
func protoVectors(t testing.TB) map[string][]byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/waku-proto.json")
	if err != nil {
		t.Fatal(err)
	}
	var hexes map[string]string
	if err := json.Unmarshal(raw, &hexes); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for k, v := range hexes {
		if out[k], err = hex.DecodeString(v); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

var vectorMessage = Message{
	Payload:      []byte("DNmWn2WEvPqTA4mC3E5d"),
	ContentTopic: "trystero/test-app/room-1",
	Timestamp:    1700000000123456789,
	Ephemeral:    true,
}

// TestProtoVectors: our encodings are byte for byte @waku/proto's, and we
// decode its encodings.
func TestProtoVectors(t *testing.T) {
	v := protoVectors(t)
	m := vectorMessage
	topics := []string{"trystero/test-app/room-1", "trystero/test-app/room-1/DNmWn2WEvPqTA4mC3E5d"}
	for name, got := range map[string][]byte{
		"message":     m.Marshal(),
		"pushRequest": marshalPushRequest("r1", DefaultPubsubTopic, &m),
		"subscribe":   marshalFilterRequest("r2", subscribe, DefaultPubsubTopic, topics),
		"ping":        marshalFilterRequest("r3", subscriberPing, "", nil),
	} {
		if string(got) != string(v[name]) {
			t.Errorf("%s:\n got %x\nwant %x", name, got, v[name])
		}
	}
	if got, err := ParseMessage(v["message"]); err != nil || !reflect.DeepEqual(got, m) {
		t.Errorf("ParseMessage = %+v, %v", got, err)
	}
	if got, err := parsePushResponse(v["pushResponseOK"]); err != nil || got != (pushResponse{RequestID: "r1", HasResp: true, Success: true}) {
		t.Errorf("push response ok = %+v, %v", got, err)
	}
	if got, err := parsePushResponse(v["pushResponseFail"]); err != nil || got != (pushResponse{RequestID: "r1", HasResp: true, Info: "no peers"}) {
		t.Errorf("push response fail = %+v, %v", got, err)
	}
	if got, err := parseFilterResponse(v["subscribeResponse"]); err != nil || got != (filterResponse{RequestID: "r2", Status: 200, Desc: "OK"}) {
		t.Errorf("filter response = %+v, %v", got, err)
	}
	p, err := ParsePush(v["push"])
	if err != nil || p.PubsubTopic != DefaultPubsubTopic || !p.HasMessage || !reflect.DeepEqual(p.Message, m) {
		t.Errorf("ParsePush = %+v, %v", p, err)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, b := range [][]byte{
		{0x0a},                        // tag without a length
		{0x0a, 0x05, 'a'},             // length past the end
		{0x50},                        // varint missing
		{0x00, 0x01},                  // field number 0
		{0x0f},                        // wire type 7
		{0x0a, 0x03, 0x0a, 0x05, 'x'}, // nested message truncated
	} {
		if _, err := ParsePush(b); !errors.Is(err, ErrProto) {
			t.Errorf("ParsePush(%x): %v, want ErrProto", b, err)
		}
	}
}
