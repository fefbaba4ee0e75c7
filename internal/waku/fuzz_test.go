package waku

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/posthorn/posthorn/internal/p2p"
)

// FuzzParsePush: any bytes decode to a push or ErrProto, without panics,
// and a decoded message encodes to bytes that decode to it again.
func FuzzParsePush(f *testing.F) {
	for _, b := range protoVectors(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePush(b)
		if err != nil {
			if !errors.Is(err, ErrProto) {
				t.Fatalf("error %v is not ErrProto", err)
			}
			return
		}
		if !p.HasMessage {
			return
		}
		again, err := ParseMessage(p.Message.Marshal())
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		norm := func(m Message) Message {
			if len(m.Payload) == 0 {
				m.Payload = nil
			}
			if len(m.Meta) == 0 {
				m.Meta = nil
			}
			return m
		}
		if !reflect.DeepEqual(norm(again), norm(p.Message)) {
			t.Fatalf("round trip: %+v != %+v", again, p.Message)
		}
	})
}

// FuzzParseResponses: the two response decoders take any bytes.
func FuzzParseResponses(f *testing.F) {
	for _, b := range protoVectors(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parsePushResponse(b); err != nil && !errors.Is(err, ErrProto) {
			t.Fatal(err)
		}
		if _, err := parseFilterResponse(b); err != nil && !errors.Is(err, ErrProto) {
			t.Fatal(err)
		}
	})
}

// FuzzReadFrame: a frame reader never returns more than its bound, and
// what WriteFrame wrote reads back.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0x03, 'a', 'b', 'c'})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		const max = 64
		got, err := p2p.ReadFrame(bytes.NewReader(b), max)
		if err == nil && len(got) > max {
			t.Fatalf("frame of %d bytes", len(got))
		}
		var buf bytes.Buffer
		if len(b) <= max {
			if err := p2p.WriteFrame(&buf, b); err != nil {
				t.Fatal(err)
			}
			back, err := p2p.ReadFrame(&buf, max)
			if err != nil || !bytes.Equal(back, b) {
				t.Fatalf("round trip: %x, %v", back, err)
			}
		}
	})
}
