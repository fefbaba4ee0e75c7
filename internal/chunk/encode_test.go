package chunk

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

func tagsOf(t *testing.T, f Framing, kind transfer.Kind, data, meta []byte) []byte {
	t.Helper()
	tx, err := f.Encode("act", 0, kind, data, meta)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var tags []byte
	for c, ok := tx.Next(); ok; c, ok = tx.Next() {
		tags = append(tags, c[f.tagIndex()])
	}
	return tags
}

func TestEncodeTagBits(t *testing.T) {
	full := Framing018.MaxPayload()
	cases := []struct {
		name string
		f    Framing
		kind transfer.Kind
		data []byte
		meta []byte
		want []byte
	}{
		{"string single", Framing018, transfer.KindString, []byte("hi"), nil, []byte{0x01}},
		{"string empty", Framing018, transfer.KindString, nil, nil, []byte{0x01}},
		{"string multi", Framing018, transfer.KindString, make([]byte, full+1), nil, []byte{0x00, 0x01}},
		{"json single", Framing018, transfer.KindJSON, []byte(`{"a":1}`), nil, []byte{0x09}},
		{"json multi", Framing018, transfer.KindJSON, []byte(`"` + strings.Repeat("x", full) + `"`), nil, []byte{0x08, 0x09}},
		{"binary single", Framing018, transfer.KindBinary, []byte{1}, nil, []byte{0x0D}},
		{"binary empty", Framing018, transfer.KindBinary, nil, nil, []byte{0x0D}},
		{"binary exact chunk", Framing018, transfer.KindBinary, make([]byte, full), nil, []byte{0x0D}},
		{"binary multi", Framing018, transfer.KindBinary, make([]byte, 2*full+1), nil, []byte{0x0C, 0x0C, 0x0D}},
		{"binary meta", Framing018, transfer.KindBinary, []byte{1}, []byte(`{}`), []byte{0x0E, 0x0D}},
		{"binary meta multi", Framing018, transfer.KindBinary, make([]byte, full+1), []byte(`[]`), []byte{0x0E, 0x0C, 0x0D}},
		{"meta empty binary", Framing018, transfer.KindBinary, nil, []byte(`{"a":1}`), []byte{0x0F}},
		{"0.25 string meta", Framing025, transfer.KindString, []byte("txt"), []byte(`7`), []byte{0x02, 0x01}},
		{"0.25 json null meta", Framing025, transfer.KindJSON, []byte(`1`), []byte(`null`), []byte{0x0A, 0x09}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tagsOf(t, c.f, c.kind, c.data, c.meta); !bytes.Equal(got, c.want) {
				t.Fatalf("tags % x, want % x", got, c.want)
			}
		})
	}
}

func TestEncodeProgress(t *testing.T) {
	// Expected values are round((i+1)/total*255) with ties up, as JS computes.
	cases := []struct {
		total int
		idx   int
		want  uint8
	}{
		{1, 0, 255},
		{2, 0, 128}, // 127.5 rounds up
		{2, 1, 255},
		{3, 0, 85}, {3, 1, 170},
		{4, 0, 64}, {4, 1, 128}, {4, 2, 191}, {4, 3, 255},
		{510, 0, 1},     // 0.5 rounds up
		{510, 254, 128}, // 127.5
		{1000, 0, 0},    // 0.255
		{1000, 999, 255},
	}
	for _, c := range cases {
		// A binary of total chunks, the last one holding a single byte.
		data := make([]byte, (c.total-1)*Framing018.MaxPayload()+1)
		tx, err := Framing018.Encode("p", 0, transfer.KindBinary, data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tx.Len() != c.total {
			t.Fatalf("Len %d, want %d", tx.Len(), c.total)
		}
		chunk := tx.AppendChunk(nil, c.idx)
		if got := chunk[14]; got != c.want || tx.Progress(c.idx) != c.want {
			t.Errorf("total %d chunk %d: progress %d, want %d", c.total, c.idx, got, c.want)
		}
	}
}

func TestEncodeNonceWrap(t *testing.T) {
	cases := []struct {
		f     Framing
		nonce uint32
		want  []byte // nonce field
	}{
		{Framing018, 254, []byte{254}},
		{Framing018, 255, []byte{255}},
		{Framing018, 256, []byte{0}},
		{Framing018, 257, []byte{1}},
		{Framing025, 0x0102, []byte{1, 2}},
		{Framing025, 65535, []byte{0xFF, 0xFF}},
		{Framing025, 65536, []byte{0, 0}},
		{Framing025, 65537, []byte{0, 1}},
	}
	for _, c := range cases {
		tx, err := c.f.Encode("n", c.nonce, transfer.KindString, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		chunk, _ := tx.Next()
		if got := chunk[c.f.TypeLen : c.f.TypeLen+c.f.NonceLen]; !bytes.Equal(got, c.want) {
			t.Errorf("nonce %d: field % x, want % x", c.nonce, got, c.want)
		}
		p, err := c.f.Parse(chunk)
		if err != nil || p.Nonce != c.nonce&c.f.NonceMask() || tx.Nonce() != p.Nonce {
			t.Errorf("nonce %d: parsed %d (%v), tx %d", c.nonce, p.Nonce, err, tx.Nonce())
		}
	}
}

func TestNonceCounter(t *testing.T) {
	var c NonceCounter
	for range 254 {
		c.Next(Framing018)
	}
	var got []uint32
	for range 4 {
		got = append(got, c.Next(Framing018))
	}
	if want := []uint32{254, 255, 0, 1}; !equalU32(got, want) {
		t.Fatalf("sequence %v, want %v", got, want)
	}
	// A failed Encode does not consume a nonce.
	if _, err := c.Encode(Framing018, "", transfer.KindString, nil, nil); !errors.Is(err, transfer.ErrEmptyAction) {
		t.Fatal(err)
	}
	if c.Peek() != 2 {
		t.Fatalf("Peek %d after failed Encode, want 2", c.Peek())
	}
	tx, err := c.Encode(Framing018, "a", transfer.KindString, nil, nil)
	if err != nil || tx.Nonce() != 2 || c.Peek() != 3 {
		t.Fatalf("Encode nonce %v err %v, next %d", tx, err, c.Peek())
	}
}

func equalU32(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name   string
		f      Framing
		action string
		kind   transfer.Kind
		data   []byte
		meta   []byte
		want   error
	}{
		{"empty action", Framing018, "", transfer.KindString, nil, nil, transfer.ErrEmptyAction},
		{"13 bytes", Framing018, "thirteen-byte", transfer.KindString, nil, nil, transfer.ErrActionTooLong},
		{"multibyte over 12", Framing018, "ééééééé", transfer.KindString, nil, nil, transfer.ErrActionTooLong}, // 14 bytes, 7 chars
		{"33 bytes 0.25", Framing025, strings.Repeat("a", 33), transfer.KindString, nil, nil, transfer.ErrActionTooLong},
		{"kind zero", Framing018, "a", 0, nil, nil, ErrKind},
		{"kind 4", Framing018, "a", 4, nil, nil, ErrKind},
		{"bad json", Framing018, "a", transfer.KindJSON, []byte(`{`), nil, transfer.ErrBadJSON},
		{"empty json", Framing018, "a", transfer.KindJSON, nil, nil, transfer.ErrBadJSON},
		{"bad meta", Framing018, "a", transfer.KindBinary, nil, []byte(`{x}`), transfer.ErrBadMeta},
		{"bad meta 0.25", Framing025, "a", transfer.KindString, nil, []byte(`nul`), transfer.ErrBadMeta},
		{"meta number", Framing018, "a", transfer.KindBinary, nil, []byte(`1`), transfer.ErrMetaNotObject},
		{"meta true", Framing018, "a", transfer.KindBinary, nil, []byte(`true`), transfer.ErrMetaNotObject},
		{"meta null", Framing018, "a", transfer.KindBinary, []byte{1}, []byte(`null`), transfer.ErrMetaNotObject},
		{"meta false", Framing018, "a", transfer.KindBinary, []byte{1}, []byte(`false`), transfer.ErrMetaNotObject},
		{"meta empty string", Framing018, "a", transfer.KindBinary, []byte{1}, []byte(`""`), transfer.ErrMetaNotObject},
		{"meta with json", Framing018, "a", transfer.KindJSON, []byte(`1`), []byte(`{}`), transfer.ErrMetaNotBinary},
		{"meta with string", Framing018, "a", transfer.KindString, nil, []byte(`[1]`), transfer.ErrMetaNotBinary},
		{"bad framing", Framing{TypeLen: 12, NonceLen: 5, ChunkSize: 100}, "a", transfer.KindString, nil, nil, ErrFraming},
		{"tiny framing", Framing{TypeLen: 12, NonceLen: 1, ChunkSize: 15}, "a", transfer.KindString, nil, nil, ErrFraming},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx, err := c.f.Encode(c.action, 0, c.kind, c.data, c.meta)
			if !errors.Is(err, c.want) || tx != nil {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
	// The longest allowed names.
	for _, ok := range []struct {
		f Framing
		a string
	}{{Framing018, "twelve-bytes"}, {Framing018, "éééééé"}, {Framing025, strings.Repeat("a", 32)}} {
		if _, err := ok.f.Encode(ok.a, 0, transfer.KindString, nil, nil); err != nil {
			t.Errorf("%q: %v", ok.a, err)
		}
	}
}

func TestTransmissionIteration(t *testing.T) {
	data := seqBytes(3*Framing018.MaxPayload() + 10)
	tx, err := Framing018.Encode("it", 9, transfer.KindBinary, data, []byte(`{"k":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if tx.Len() != 5 || !tx.HasMeta() || tx.Kind() != transfer.KindBinary || tx.Action() != "it" {
		t.Fatalf("Len %d HasMeta %v transfer.Kind %v", tx.Len(), tx.HasMeta(), tx.Kind())
	}
	var first []byte
	for i := 0; ; i++ {
		c, ok := tx.Next()
		if !ok {
			if i != tx.Len() {
				t.Fatalf("stopped after %d", i)
			}
			break
		}
		if i == 0 {
			first = c
		} else if &c[0] != &first[0] {
			t.Fatalf("chunk %d does not reuse the buffer", i)
		}
		if !bytes.Equal(c, tx.AppendChunk(nil, i)) {
			t.Fatalf("Next and AppendChunk differ at %d", i)
		}
		if len(c) > Framing018.ChunkSize {
			t.Fatalf("chunk %d has %d bytes", i, len(c))
		}
	}
	if _, ok := tx.Next(); ok {
		t.Fatal("Next after the end")
	}
	tx.Reset()
	c, ok := tx.Next()
	if !ok || c[13] != 0x0E {
		t.Fatalf("after Reset: tag %x", c[13])
	}
	defer func() {
		if recover() == nil {
			t.Fatal("AppendChunk out of range did not panic")
		}
	}()
	tx.AppendChunk(nil, tx.Len())
}

// TestEncodeAllocations checks the lazy construction: a large send costs a
// constant number of allocations, not one per chunk or a copy of the data.
func TestEncodeAllocations(t *testing.T) {
	if testutil.Race {
		t.Skip("the race detector's runtime allocates by itself; checked without -race (scripts/test-wasm-node, make unit)")
	}
	data := make([]byte, 4<<20)
	allocs := testing.AllocsPerRun(5, func() {
		tx, err := Framing018.Encode("big", 0, transfer.KindBinary, data, []byte(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		for _, ok := tx.Next(); ok; _, ok = tx.Next() {
		}
	})
	if allocs > 4 {
		t.Fatalf("%v allocations per 4 MiB send", allocs)
	}
}
