package chunk

import (
	"bytes"
	"errors"
	"testing"

	"github.com/posthorn/posthorn/transfer"
)

// chunk018 builds a raw 0.18 chunk from a 12-byte type field and the rest.
func chunk018(typeField string, nonce, tag, progress byte, payload string) []byte {
	b := make([]byte, 12, 15+len(payload))
	copy(b, typeField)
	b = append(b, nonce, tag, progress)
	return append(b, payload...)
}

func TestParseTruncated(t *testing.T) {
	full := chunk018("chat", 1, 0x01, 255, "")
	for n := 0; n < len(full); n++ {
		if _, err := Framing018.Parse(full[:n]); !errors.Is(err, ErrTruncated) {
			t.Errorf("%d bytes: %v, want ErrTruncated", n, err)
		}
	}
	if _, err := Framing018.Parse(full); err != nil {
		t.Fatalf("15 bytes: %v", err)
	}
	if _, err := Framing025.Parse(make([]byte, 35)); !errors.Is(err, ErrTruncated) {
		t.Fatalf("0.25 35 bytes: %v", err)
	}
}

func TestParseTag(t *testing.T) {
	for tag := 0; tag < 256; tag++ {
		c, err := Framing018.Parse(chunk018("a", 0, byte(tag), 0, "x"))
		if tag&0xF0 != 0 {
			if !errors.Is(err, ErrReservedBits) {
				t.Errorf("tag %#x: %v, want ErrReservedBits", tag, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("tag %#x: %v", tag, err)
		}
		if c.Tag() != byte(tag) || c.Last != (tag&1 != 0) || c.Meta != (tag&2 != 0) || c.Binary != (tag&4 != 0) || c.JSON != (tag&8 != 0) {
			t.Errorf("tag %#x parsed as %+v", tag, c)
		}
	}
	kinds := []struct {
		tag  byte
		want transfer.Kind
	}{
		{0x00, transfer.KindString}, {0x01, transfer.KindString}, {0x02, transfer.KindString},
		{0x08, transfer.KindJSON}, {0x09, transfer.KindJSON}, {0x0A, transfer.KindJSON},
		{0x0C, transfer.KindBinary}, {0x0D, transfer.KindBinary}, {0x0E, transfer.KindBinary}, {0x0F, transfer.KindBinary},
		{0x04, transfer.KindBinary}, {0x05, transfer.KindBinary}, // isBinary without isJson: JS still delivers bytes
	}
	for _, k := range kinds {
		c, err := Framing018.Parse(chunk018("a", 0, k.tag, 0, ""))
		if err != nil || c.Kind() != k.want {
			t.Errorf("tag %#x: kind %v (%v), want %v", k.tag, c.Kind(), err, k.want)
		}
	}
}

func TestParseType(t *testing.T) {
	cases := []struct {
		name  string
		field string
		want  string
	}{
		{"padded", "chat", "chat"},
		{"full width", "twelve-bytes", "twelve-bytes"},
		{"all zero", "", ""},
		{"inner NUL removed", "a\x00b", "ab"},
		{"NULs everywhere", "\x00a\x00\x00b\x00c", "abc"},
		{"utf8", "héllo", "héllo"},
		{"invalid byte", "a\xffb", "a\uFFFDb"},
		{"cut multibyte", "abcdefghij\xe2\x82", "abcdefghij\uFFFD"},
		{"NUL inside sequence", "\xe2\x00\x82", "\uFFFD\uFFFD"},
		{"BOM dropped", "\xEF\xBB\xBFchat", "chat"},
		{"second BOM kept", "\xEF\xBB\xBF\xEF\xBB\xBFa", "\uFEFFa"},
		{"internal name", "__516n4L__", "__516n4L__"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, err := Framing018.Parse(chunk018(c.field, 0, 0x01, 255, "p"))
			if err != nil {
				t.Fatal(err)
			}
			if ch.Type != c.want || string(ch.Payload) != "p" {
				t.Fatalf("type %q payload %q, want %q", ch.Type, ch.Payload, c.want)
			}
		})
	}
}

func TestParseOversizedAndAliasing(t *testing.T) {
	// Any chunk size is accepted, as by the JS receiver (protocol-0.18 §5.4).
	big := chunk018("big", 3, 0x0D, 255, string(make([]byte, 2*Framing018.ChunkSize)))
	c, err := Framing018.Parse(big)
	if err != nil || len(c.Payload) != 2*Framing018.ChunkSize {
		t.Fatalf("oversized: %v, %d", err, len(c.Payload))
	}
	if &c.Payload[0] != &big[15] {
		t.Fatal("Payload does not alias the input")
	}
	// 0.25: 32-byte type, big-endian 2-byte nonce.
	b := make([]byte, 36)
	copy(b, "@_ping")
	b[32], b[33], b[34], b[35] = 0x12, 0x34, 0x01, 0xFF
	c, err = Framing025.Parse(append(b, "xy"...))
	if err != nil || c.Type != "@_ping" || c.Nonce != 0x1234 || !c.Last || c.Progress != 255 || !bytes.Equal(c.Payload, []byte("xy")) {
		t.Fatalf("0.25: %+v %v", c, err)
	}
	if _, err := (Framing{}).Parse(b); !errors.Is(err, ErrFraming) {
		t.Fatalf("zero Framing: %v", err)
	}
}
