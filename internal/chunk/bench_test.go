package chunk

import (
	"testing"

	"github.com/posthorn/posthorn/transfer"
)

const benchSize = 32 << 20 // a 32 MiB file

func BenchmarkEncode(b *testing.B) {
	data := seqBytes(benchSize)
	meta := []byte(`{"name":"big.bin"}`)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		tx, err := Framing018.Encode("file", 0, transfer.KindBinary, data, meta)
		if err != nil {
			b.Fatal(err)
		}
		for _, ok := tx.Next(); ok; _, ok = tx.Next() {
		}
	}
}

func BenchmarkReassemble(b *testing.B) {
	data := seqBytes(benchSize)
	tx, err := Framing018.Encode("file", 0, transfer.KindBinary, data, []byte(`{"name":"big.bin"}`))
	if err != nil {
		b.Fatal(err)
	}
	chunks := make([][]byte, tx.Len())
	for i := range chunks {
		chunks[i] = tx.AppendChunk(nil, i)
	}
	r := NewReassembler(Framing018, transfer.Limits{})
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		var msg *transfer.Message
		for _, raw := range chunks {
			c, err := Framing018.Parse(raw)
			if err != nil {
				b.Fatal(err)
			}
			if msg, _, err = r.Push(c); err != nil {
				b.Fatal(err)
			}
		}
		if msg == nil || len(msg.Data) != benchSize {
			b.Fatal("no message")
		}
	}
}
