package chunk

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// vectorDir holds the captured vectors (testdata/vectors).
var vectorDir = filepath.Dir(testutil.VectorPath("README.md"))

type vectorChunk struct {
	Len       int    `json:"len"`
	HeaderHex string `json:"headerHex"`
	Type      string `json:"type"`
	Nonce     uint32 `json:"nonce"`
	Tag       byte   `json:"tag"`
	TagBits   struct {
		IsLast   bool `json:"isLast"`
		IsMeta   bool `json:"isMeta"`
		IsBinary bool `json:"isBinary"`
		IsJSON   bool `json:"isJson"`
	} `json:"tagBits"`
	Progress          uint8  `json:"progress"`
	PayloadLen        int    `json:"payloadLen"`
	PayloadPreviewHex string `json:"payloadPreviewHex"`
	FullHex           string `json:"fullHex"`
	PayloadText       string `json:"payloadText"`
}

func loadVectors(t testing.TB, name string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatalf("reading vectors: %v", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
	return m
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := jsjson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func seqBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// sendCase is one send of the 0.18 framing vectors (protocol-0.18 §9): the inputs
// the vector was produced from, as the spec describes them.
type sendCase struct {
	key    string
	action string
	nonce  uint32
	kind   transfer.Kind
	data   []byte
	meta   []byte
}

func framing018Cases(t testing.TB) []sendCase {
	type nameMeta struct {
		Name string `json:"name"`
	}
	type signal struct {
		Type        string `json:"type"`
		Renegotiate bool   `json:"renegotiate"`
	}
	return []sendCase{
		{`chat "hi" nonce0`, "chat", 0, transfer.KindString, []byte("hi"), nil},
		{`chat {a:1} nonce1`, "chat", 1, transfer.KindJSON, mustMarshal(t, map[string]int{"a": 1}), nil},
		{`chat 40000B binary meta {name:"x"} nonce2`, "chat", 2, transfer.KindBinary, seqBytes(40000), mustMarshal(t, nameMeta{"x"})},
		{`chat 40000B binary no meta nonce3`, "chat", 3, transfer.KindBinary, seqBytes(40000), nil},
		{`chat "" empty string nonce4`, "chat", 4, transfer.KindString, []byte{}, nil},
		{`chat 16369B binary exact one chunk nonce5`, "chat", 5, transfer.KindBinary, make([]byte, 16369), nil},
		{`chat 0B binary nonce6`, "chat", 6, transfer.KindBinary, []byte{}, nil},
		{`chat number 3.5 nonce7`, "chat", 7, transfer.KindJSON, mustMarshal(t, 3.5), nil},
		{`chat null nonce8`, "chat", 8, transfer.KindJSON, mustMarshal(t, nil), nil},
		{`ping (internal)`, "__91n6__", 0, transfer.KindString, []byte{}, nil},
		{`signal renegotiate (internal)`, "__516n4L__", 0, transfer.KindJSON, mustMarshal(t, signal{"renegotiate", true}), nil},
	}
}

func encodeAll(t testing.TB, f Framing, c sendCase) [][]byte {
	t.Helper()
	tx, err := f.Encode(c.action, c.nonce, c.kind, c.data, c.meta)
	if err != nil {
		t.Fatalf("%s: Encode: %v", c.key, err)
	}
	var out [][]byte
	for chunk, ok := tx.Next(); ok; chunk, ok = tx.Next() {
		out = append(out, bytes.Clone(chunk))
	}
	if len(out) != tx.Len() {
		t.Fatalf("%s: Next gave %d chunks, Len %d", c.key, len(out), tx.Len())
	}
	return out
}

func TestVectors018Encode(t *testing.T) {
	vecs := loadVectors(t, "018-room-framing.json")
	for _, c := range framing018Cases(t) {
		t.Run(c.key, func(t *testing.T) {
			var want []vectorChunk
			if err := json.Unmarshal(vecs[c.key], &want); err != nil || len(want) == 0 {
				t.Fatalf("vector %q missing or bad: %v", c.key, err)
			}
			got := encodeAll(t, Framing018, c)
			if len(got) != len(want) {
				t.Fatalf("%d chunks, want %d", len(got), len(want))
			}
			offset := 0 // into c.data, for chunks without fullHex
			for i, w := range want {
				g := got[i]
				if len(g) != w.Len {
					t.Errorf("chunk %d: len %d, want %d", i, len(g), w.Len)
				}
				if h := hex.EncodeToString(g[:15]); h != w.HeaderHex {
					t.Errorf("chunk %d: header %s, want %s", i, h, w.HeaderHex)
				}
				if w.FullHex != "" && hex.EncodeToString(g) != w.FullHex {
					t.Errorf("chunk %d: full %x, want %s", i, g, w.FullHex)
				}
				payload := g[15:]
				if len(payload) != w.PayloadLen {
					t.Errorf("chunk %d: payload %d bytes, want %d", i, len(payload), w.PayloadLen)
				}
				if p := hex.EncodeToString(payload); !strings.HasPrefix(p, w.PayloadPreviewHex) {
					t.Errorf("chunk %d: payload does not start with %s", i, w.PayloadPreviewHex)
				}
				if w.PayloadText != "" && string(payload) != w.PayloadText {
					t.Errorf("chunk %d: payload %q, want %q", i, payload, w.PayloadText)
				}
				if !w.TagBits.IsMeta {
					if !bytes.Equal(payload, c.data[offset:offset+len(payload)]) {
						t.Errorf("chunk %d: payload is not data[%d:%d]", i, offset, offset+len(payload))
					}
					offset += len(payload)
				} else if !bytes.Equal(payload, c.meta) {
					t.Errorf("chunk %d: meta payload %q, want %q", i, payload, c.meta)
				}
			}
			if offset != len(c.data) {
				t.Errorf("chunks carry %d data bytes, want %d", offset, len(c.data))
			}
		})
	}
}

// vectorWire returns the chunks of a vector as they went over the wire: from
// fullHex where the vector has it, else its header plus the payload slice of
// the known input.
func vectorWire(t *testing.T, want []vectorChunk, c sendCase) [][]byte {
	t.Helper()
	var out [][]byte
	offset := 0
	for _, w := range want {
		var b []byte
		var err error
		if w.FullHex != "" {
			b, err = hex.DecodeString(w.FullHex)
		} else {
			b, err = hex.DecodeString(w.HeaderHex)
			b = append(b, c.data[offset:offset+w.PayloadLen]...)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !w.TagBits.IsMeta {
			offset += w.PayloadLen
		}
		out = append(out, b)
	}
	return out
}

func TestVectors018Decode(t *testing.T) {
	vecs := loadVectors(t, "018-room-framing.json")
	for _, c := range framing018Cases(t) {
		t.Run(c.key, func(t *testing.T) {
			var want []vectorChunk
			if err := json.Unmarshal(vecs[c.key], &want); err != nil {
				t.Fatal(err)
			}
			r := NewReassembler(Framing018, transfer.Limits{})
			var msg *transfer.Message
			for i, b := range vectorWire(t, want, c) {
				ch, err := Framing018.Parse(b)
				if err != nil {
					t.Fatalf("chunk %d: Parse: %v", i, err)
				}
				w := want[i]
				if ch.Type != w.Type || ch.Nonce != w.Nonce || ch.Tag() != w.Tag || ch.Progress != w.Progress ||
					ch.Last != w.TagBits.IsLast || ch.Meta != w.TagBits.IsMeta ||
					ch.Binary != w.TagBits.IsBinary || ch.JSON != w.TagBits.IsJSON || len(ch.Payload) != w.PayloadLen {
					t.Fatalf("chunk %d: parsed %+v, want %+v", i, ch, w)
				}
				m, prog, err := r.Push(ch)
				if err != nil {
					t.Fatalf("chunk %d: Push: %v", i, err)
				}
				if prog.Value != w.Progress || prog.Action != c.action || prog.Nonce != c.nonce {
					t.Errorf("chunk %d: progress %+v", i, prog)
				}
				if c.meta != nil && !bytes.Equal(prog.Meta, c.meta) {
					t.Errorf("chunk %d: progress meta %q, want %q", i, prog.Meta, c.meta)
				}
				if (m != nil) != (i == len(want)-1) {
					t.Fatalf("chunk %d: message %v", i, m)
				}
				msg = m
			}
			if msg.Action != c.action || msg.Kind != c.kind || !bytes.Equal(msg.Data, c.data) || !bytes.Equal(msg.Meta, c.meta) {
				t.Fatalf("got %s %s %d bytes meta %q, want %s %s %d bytes meta %q",
					msg.Action, msg.Kind, len(msg.Data), msg.Meta, c.action, c.kind, len(c.data), c.meta)
			}
			if r.Pending() != 0 || r.Buffered() != 0 {
				t.Fatalf("left %d pending, %d bytes", r.Pending(), r.Buffered())
			}
		})
	}
}

func TestVectors018Errors(t *testing.T) {
	cases := []struct {
		name   string
		action string
		kind   transfer.Kind
		data   []byte
		meta   []byte
		is     error
	}{
		{"longName", "thirteen-byte", transfer.KindString, []byte("x"), nil, transfer.ErrActionTooLong},
		{"emptyName", "", transfer.KindString, []byte("x"), nil, transfer.ErrEmptyAction},
		{"metaWithString", "chat", transfer.KindString, []byte("x"), []byte(`{"a":1}`), transfer.ErrMetaNotBinary},
		{"metaNotObject", "chat", transfer.KindBinary, []byte("x"), []byte(`5`), transfer.ErrMetaNotObject},
		{"metaNotObject string", "chat", transfer.KindBinary, []byte("x"), []byte(`"s"`), transfer.ErrMetaNotObject},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Framing018.Encode(c.action, 0, c.kind, c.data, c.meta)
			if !errors.Is(err, c.is) {
				t.Fatalf("err %v, want %v", err, c.is)
			}
		})
	}
	var ne *transfer.ActionNameError
	_, err := Framing018.Encode("thirteen-byte", 0, transfer.KindString, nil, nil)
	if !errors.As(err, &ne) || ne.Name != "thirteen-byte" || ne.Bytes != 13 || ne.Limit != 12 {
		t.Fatalf("transfer.ActionNameError %+v", ne)
	}
	// JS's `undefined` has no Go twin; the closest is KindJSON with no JSON.
	if _, err := Framing018.Encode("chat", 0, transfer.KindJSON, nil, nil); !errors.Is(err, transfer.ErrBadJSON) {
		t.Fatalf("empty JSON: %v", err)
	}
}

func TestVectors018NonceTail(t *testing.T) {
	vecs := loadVectors(t, "018-room-framing.json")
	var tail []uint32
	if err := json.Unmarshal(vecs["nonceSequenceTail"], &tail); err != nil {
		t.Fatal(err)
	}
	var c NonceCounter
	for range 250 {
		c.Next(Framing018)
	}
	for i, want := range tail {
		tx, err := c.Encode(Framing018, "chat", transfer.KindString, []byte("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		chunk, _ := tx.Next()
		if tx.Nonce() != want || uint32(chunk[12]) != want {
			t.Fatalf("send %d: nonce %d (byte %d), want %d", 250+i, tx.Nonce(), chunk[12], want)
		}
	}
}

// TestVectors025Chunks checks the Framing025 seam against the action chunks
// inside the 0.25 room frames (protocol-0.25 §7: 3+64 bytes of frame first).
func TestVectors025Chunks(t *testing.T) {
	vecs := loadVectors(t, "025-room-framing.json")
	type nameMeta struct {
		Name string `json:"name"`
	}
	type sig struct {
		Type string `json:"type"`
		SDP  string `json:"sdp"`
	}
	cases := []sendCase{
		{`chat "hi" nonce0`, "chat", 0, transfer.KindString, []byte("hi"), nil},
		{`chat {a:1} nonce1`, "chat", 1, transfer.KindJSON, []byte(`{"a":1}`), nil},
		{`chat 40000B binary metadata {name:"x"} nonce2`, "chat", 2, transfer.KindBinary, seqBytes(40000), mustMarshal(t, nameMeta{"x"})},
		{`chat "txt" with metadata 7 nonce3`, "chat", 3, transfer.KindString, []byte("txt"), []byte("7")},
		{`ping`, "@_ping", 0, transfer.KindString, nil, nil},
		{`leave`, "@_leave", 0, transfer.KindString, nil, nil},
		{`signal forwarded over datachannel`, "@_signal", 0, transfer.KindJSON, mustMarshal(t, sig{"offer", "v=0\r\n"}), nil},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			var want []struct {
				TokenLen int    `json:"tokenLen"`
				ChunkLen int    `json:"chunkLen"`
				Header   string `json:"chunkHeaderHex"`
				FullHex  string `json:"fullHex"`
			}
			if err := json.Unmarshal(vecs[c.key], &want); err != nil || len(want) == 0 {
				t.Fatalf("vector missing: %v", err)
			}
			got := encodeAll(t, Framing025, c)
			if len(got) != len(want) {
				t.Fatalf("%d chunks, want %d", len(got), len(want))
			}
			r := NewReassembler(Framing025, transfer.Limits{})
			var msg *transfer.Message
			for i, w := range want {
				if len(got[i]) != w.ChunkLen || hex.EncodeToString(got[i][:36]) != w.Header {
					t.Fatalf("chunk %d: %d bytes header %x, want %d %s", i, len(got[i]), got[i][:36], w.ChunkLen, w.Header)
				}
				if w.FullHex != "" {
					full, _ := hex.DecodeString(w.FullHex)
					if !bytes.Equal(full[3+w.TokenLen:], got[i]) {
						t.Fatalf("chunk %d differs from the frame's chunk", i)
					}
				}
				ch, err := Framing025.Parse(got[i])
				if err != nil {
					t.Fatal(err)
				}
				if msg, _, err = r.Push(ch); err != nil {
					t.Fatal(err)
				}
			}
			if msg == nil || msg.Kind != c.kind || !bytes.Equal(msg.Data, c.data) || !bytes.Equal(msg.Meta, c.meta) {
				t.Fatalf("message %+v", msg)
			}
		})
	}
}
