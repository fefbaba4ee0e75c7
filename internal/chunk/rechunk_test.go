package chunk

import (
	"bytes"
	"errors"
	"testing"

	"github.com/posthorn/posthorn/transfer"
)

// TestRechunk cuts one transmission four ways: posthorn's 256 KiB chunks,
// 64 KiB, Trystero's 16 KiB and a small size a peer might advertise. Every cut keeps
// the header fields, respects the size, and reassembles with Trystero's
// Framing018 receiver to the same message.
func TestRechunk(t *testing.T) {
	data := make([]byte, 200_000)
	for i := range data {
		data[i] = byte(i * 31)
	}
	meta := []byte(`{"name":"f.bin"}`)
	tx, err := Framing018Send.Encode("file", 7, transfer.KindBinary, data, meta)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		size, wantLen int
	}{
		{256 << 10, 1 + 1}, // its own size: tx itself
		{1 << 20, 1 + 1},   // larger than its chunks: tx itself
		{64 << 10, 1 + 4},  // ceil(200000/65521)
		{16 << 10, 1 + 13},
		{1000, 1 + 204}, // ceil(200000/985)
	}
	for _, c := range cases {
		rt, err := tx.Rechunk(c.size)
		if err != nil {
			t.Fatalf("Rechunk(%d): %v", c.size, err)
		}
		if c.size >= tx.ChunkSize() && rt != tx {
			t.Errorf("Rechunk(%d) made a new transmission", c.size)
		}
		if rt.Len() != c.wantLen || rt.Nonce() != 7 || rt.Action() != "file" || !rt.HasMeta() {
			t.Fatalf("Rechunk(%d): %d chunks, nonce %d, action %q, meta %v; want %d chunks", c.size, rt.Len(), rt.Nonce(), rt.Action(), rt.HasMeta(), c.wantLen)
		}
		r := NewReassembler(Framing018, transfer.Limits{})
		var got *transfer.Message
		for i := range rt.Len() {
			b := rt.AppendChunk(nil, i)
			if len(b) > max(c.size, Framing018.HeaderLen()+len(meta)) {
				t.Fatalf("Rechunk(%d): chunk %d has %d bytes", c.size, i, len(b))
			}
			ch, err := Framing018.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			m, prog, err := r.Push(ch)
			if err != nil {
				t.Fatal(err)
			}
			if prog.Value != rt.Progress(i) {
				t.Fatalf("Rechunk(%d): chunk %d progress %d, want %d", c.size, i, prog.Value, rt.Progress(i))
			}
			if m != nil {
				got = m
			}
		}
		if got == nil || !bytes.Equal(got.Data, data) || string(got.Meta) != string(meta) {
			t.Fatalf("Rechunk(%d): reassembled %v", c.size, got)
		}
	}
	if _, err := tx.Rechunk(Framing018.HeaderLen()); !errors.Is(err, ErrFraming) {
		t.Errorf("Rechunk to the header size = %v, want ErrFraming", err)
	}
}
