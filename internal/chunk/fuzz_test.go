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
	"unicode/utf8"

	"github.com/posthorn/posthorn/internal/jsjson"
	"github.com/posthorn/posthorn/internal/jstext"
	"github.com/posthorn/posthorn/transfer"
)

// vectorChunkSeeds returns every chunk of the spec's framing vectors that is
// given in full (0.18 fullHex, and the action chunks inside 0.25 frames).
func vectorChunkSeeds(t testing.TB) (v018, v025 [][]byte) {
	for _, c := range framing018Cases(t) {
		v018 = append(v018, encodeAll(t, Framing018, c)...)
	}
	b, err := os.ReadFile(filepath.Join(vectorDir, "025-room-framing.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, raw := range m {
		var frames []struct {
			TokenLen int    `json:"tokenLen"`
			FullHex  string `json:"fullHex"`
		}
		if json.Unmarshal(raw, &frames) != nil {
			continue
		}
		for _, f := range frames {
			full, err := hex.DecodeString(f.FullHex)
			if err == nil && f.TokenLen > 0 && len(full) >= 3+f.TokenLen {
				v025 = append(v025, full[3+f.TokenLen:])
			}
		}
	}
	return v018, v025
}

func FuzzParse(f *testing.F) {
	v018, v025 := vectorChunkSeeds(f)
	for _, s := range append(v018, v025...) {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Add(chunk018("\xEF\xBB\xBFa\x00\xe2", 0, 0x0F, 0, "x"))
	f.Add(chunk018("chat", 0, 0x1F, 0, ""))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fr := range []Framing{Framing018, Framing025} {
			c, err := fr.Parse(b)
			if err != nil {
				if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrReservedBits) {
					t.Fatalf("unexpected error %v", err)
				}
				if len(b) >= fr.HeaderLen() && b[fr.tagIndex()]&0xF0 == 0 {
					t.Fatalf("rejected a well-formed chunk: %v", err)
				}
				continue
			}
			if len(b) < fr.HeaderLen() || c.Tag() != b[fr.tagIndex()] || c.Progress != b[fr.progressIndex()] {
				t.Fatalf("header fields wrong: %+v", c)
			}
			if c.Nonce > fr.NonceMask() || len(c.Payload) != len(b)-fr.HeaderLen() {
				t.Fatalf("nonce %d payload %d", c.Nonce, len(c.Payload))
			}
			if strings.ContainsRune(c.Type, 0) || !utf8.ValidString(c.Type) {
				t.Fatalf("type %q has NUL or bad UTF-8", c.Type)
			}
			// The type round-trips when it is a name Encode would write.
			if raw := bytes.TrimRight(b[:fr.TypeLen], "\x00"); utf8.Valid(raw) && !bytes.Contains(raw, []byte{0}) &&
				!bytes.HasPrefix(raw, []byte(jstext.BOM)) && c.Type != string(raw) {
				t.Fatalf("type %q, want %q", c.Type, raw)
			}
		}
	})
}

// splitStream cuts fuzz input into chunks, each preceded by a 2-byte
// big-endian length (taken modulo 17000, so full 16384-byte chunks fit).
func splitStream(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 2 {
		n := (int(b[0])<<8 | int(b[1])) % 17000
		b = b[2:]
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// joinStream is the inverse of splitStream, used to build seeds.
func joinStream(chunks [][]byte) []byte {
	var out []byte
	for _, c := range chunks {
		out = append(out, byte(len(c)>>8), byte(len(c)))
		out = append(out, c...)
	}
	return out
}

func FuzzReassemble(f *testing.F) {
	// The 0.18 vectors as they go over the wire, one stream per send, and
	// all of them interleaved in one stream.
	var all [][]byte
	for _, c := range framing018Cases(f) {
		chunks := encodeAll(f, Framing018, c)
		f.Add(joinStream(chunks))
		all = append(all, chunks...)
	}
	f.Add(joinStream(all))
	small := Framing{TypeLen: 12, NonceLen: 1, ChunkSize: 40}
	f.Add(joinStream(encodeAll(f, small, sendCase{"small", "x", 3, transfer.KindBinary, seqBytes(100), []byte(`{"n":1}`)})))
	_, v025 := vectorChunkSeeds(f)
	f.Add(joinStream(v025))
	lim := transfer.Limits{MaxPending: 3, MaxBytes: 50000, MaxMessage: 45000}
	f.Fuzz(func(t *testing.T, stream []byte) {
		for _, fr := range []Framing{Framing018, Framing025} {
			r := NewReassembler(fr, lim)
			for _, b := range splitStream(stream) {
				c, err := fr.Parse(b)
				if err != nil {
					continue
				}
				m, p, err := r.Push(c)
				if err != nil && (m != nil || p.Action != "" || p.Meta != nil) {
					t.Fatalf("error %v with message or progress", err)
				}
				if err == nil && (p.Action != c.Type || p.Value != c.Progress) {
					t.Fatalf("progress %+v for %+v", p, c)
				}
				if m != nil {
					if int64(len(m.Data)+len(m.Meta)) > lim.MaxMessage || m.Action != c.Type || m.Kind != c.Kind() {
						t.Fatalf("message %+v", m)
					}
					if m.Kind == transfer.KindJSON && !json.Valid(jstext.StripBOM(m.Data)) {
						t.Fatalf("invalid JSON delivered: %q", m.Data)
					}
					if m.Meta != nil && !json.Valid(m.Meta) {
						t.Fatalf("invalid meta delivered: %q", m.Meta)
					}
					_ = m.String()
				}
				if r.Pending() > lim.MaxPending || r.Buffered() < 0 || r.Buffered() > lim.MaxBytes || len(r.dropped) > lim.MaxPending {
					t.Fatalf("limits broken: %d pending, %d bytes, %d dropped", r.Pending(), r.Buffered(), len(r.dropped))
				}
			}
			r.Reset()
			if r.Pending() != 0 || r.Buffered() != 0 {
				t.Fatal("Reset left state")
			}
		}
	})
}

// FuzzRoundTrip: whatever Encode accepts, Parse and a Reassembler give back.
func FuzzRoundTrip(f *testing.F) {
	f.Add("chat", uint32(2), uint8(3), uint8(0), seqBytes(300), "x")
	f.Add("chat", uint32(255), uint8(1), uint8(5), []byte("hi"), "")
	f.Add("__516n4L__", uint32(0), uint8(2), uint8(200), []byte(`{"type":"renegotiate"}`), "")
	f.Add("é", uint32(70000), uint8(0x83), uint8(1), []byte{}, "m")
	f.Add("", uint32(0), uint8(1), uint8(0), []byte{}, "")
	f.Fuzz(func(t *testing.T, action string, nonce uint32, kindSel, size uint8, data []byte, metaText string) {
		fr := Framing{TypeLen: 12, NonceLen: 1, ChunkSize: 16 + int(size)}
		if kindSel&0x80 != 0 {
			fr = Framing{TypeLen: 32, NonceLen: 2, ChunkSize: 37 + int(size), MetaAnyKind: true}
		}
		kind := transfer.Kind(kindSel&0x03) + 1 // 1..4: 4 is invalid
		if kind == transfer.KindJSON {
			data, _ = jsjson.Marshal(string(data)) // invalid UTF-8 becomes U+FFFD, still valid JSON
		}
		var meta []byte
		if metaText != "" {
			meta, _ = jsjson.Marshal(map[string]string{"m": metaText})
		}
		tx, err := fr.Encode(action, nonce, kind, data, meta)
		if err != nil {
			if !senderError(err) && !errors.Is(err, ErrKind) {
				t.Fatalf("unexpected Encode error %v", err)
			}
			return
		}
		r := NewReassembler(fr, transfer.Limits{})
		var msg *transfer.Message
		for i := range tx.Len() {
			chunk, ok := tx.Next()
			if !ok {
				t.Fatalf("Next stopped at %d of %d", i, tx.Len())
			}
			if len(chunk) > fr.ChunkSize && !(i == 0 && tx.HasMeta()) {
				t.Fatalf("chunk %d has %d bytes", i, len(chunk))
			}
			c, err := fr.Parse(chunk)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			m, p, err := r.Push(c)
			if err != nil || p.Value != tx.Progress(i) || p.Nonce != nonce&fr.NonceMask() {
				t.Fatalf("Push chunk %d: %v (progress %d)", i, err, p.Value)
			}
			if (m != nil) != (i == tx.Len()-1) {
				t.Fatalf("chunk %d: message %v", i, m)
			}
			msg = m
		}
		if msg.Kind != kind || !bytes.Equal(msg.Data, data) {
			t.Fatalf("got %v %q, want %v %q", msg.Kind, msg.Data, kind, data)
		}
		wantMeta := meta
		if kind != transfer.KindBinary && !fr.MetaAnyKind {
			wantMeta = nil
		}
		if !bytes.Equal(msg.Meta, wantMeta) {
			t.Fatalf("meta %q, want %q", msg.Meta, wantMeta)
		}
		if clean := utf8.ValidString(action) && !strings.ContainsRune(action, 0) && !strings.HasPrefix(action, jstext.BOM); clean && msg.Action != action {
			t.Fatalf("action %q, want %q", msg.Action, action)
		}
		if r.Pending() != 0 || r.Buffered() != 0 {
			t.Fatal("state left after delivery")
		}
	})
}

// senderError reports whether err is one of the errors Encode gives for a
// name or metadata the protocol cannot carry.
func senderError(err error) bool {
	for _, e := range []error{transfer.ErrEmptyAction, transfer.ErrActionTooLong, transfer.ErrMetaNotObject, transfer.ErrMetaNotBinary} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
