package chunk

import (
	"bytes"
	"errors"
	"testing"

	"github.com/posthorn/posthorn/transfer"
)

// chunksOf encodes one send with f and returns its parsed chunks.
func chunksOf(t testing.TB, f Framing, action string, nonce uint32, kind transfer.Kind, data, meta []byte) []Chunk {
	t.Helper()
	tx, err := f.Encode(action, nonce, kind, data, meta)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var out []Chunk
	for i := range tx.Len() {
		c, err := f.Parse(tx.AppendChunk(nil, i))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		out = append(out, c)
	}
	return out
}

// push pushes chunks and returns the messages delivered and the errors.
func push(r *Reassembler, chunks ...Chunk) (msgs []*transfer.Message, errs []error) {
	for _, c := range chunks {
		m, _, err := r.Push(c)
		if m != nil {
			msgs = append(msgs, m)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return msgs, errs
}

func TestReassembleInterleaved(t *testing.T) {
	mp := Framing018.MaxPayload()
	a := seqBytes(3*mp + 5)
	b := bytes.Repeat([]byte{0xAB}, 2*mp+1)
	ca := chunksOf(t, Framing018, "file", 1, transfer.KindBinary, a, []byte(`{"name":"a"}`))
	cb := chunksOf(t, Framing018, "file", 2, transfer.KindBinary, b, nil)
	cc := chunksOf(t, Framing018, "other", 1, transfer.KindString, bytes.Repeat([]byte("s"), mp+1), nil)
	r := NewReassembler(Framing018, transfer.Limits{})
	var order []Chunk
	for i := 0; i < 5; i++ {
		for _, cs := range [][]Chunk{ca, cb, cc} {
			if i < len(cs) {
				order = append(order, cs[i])
			}
		}
	}
	msgs, errs := push(r, order...)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := map[string]*transfer.Message{}
	for _, m := range msgs {
		got[m.Action+string(m.Data[:1])] = m
	}
	if m := got["file\x00"]; m == nil || !bytes.Equal(m.Data, a) || string(m.Meta) != `{"name":"a"}` {
		t.Fatal("transmission a wrong")
	}
	if m := got["file\xab"]; m == nil || !bytes.Equal(m.Data, b) || m.Meta != nil {
		t.Fatal("transmission b wrong")
	}
	if m := got["others"]; m == nil || m.Kind != transfer.KindString || len(m.Data) != mp+1 {
		t.Fatal("transmission c wrong")
	}
	if r.Pending() != 0 || r.Buffered() != 0 {
		t.Fatalf("left %d pending, %d bytes", r.Pending(), r.Buffered())
	}
}

func TestReassembleProgress(t *testing.T) {
	chunks := chunksOf(t, Framing018, "p", 7, transfer.KindBinary, make([]byte, 2*Framing018.MaxPayload()), []byte(`{"n":1}`))
	r := NewReassembler(Framing018, transfer.Limits{})
	want := []uint8{85, 170, 255}
	for i, c := range chunks {
		m, p, err := r.Push(c)
		if err != nil {
			t.Fatal(err)
		}
		if p.Value != want[i] || p.Fraction() != float64(want[i])/255 || p.Action != "p" || p.Nonce != 7 || string(p.Meta) != `{"n":1}` {
			t.Fatalf("chunk %d: progress %+v", i, p)
		}
		if (m != nil) != (i == 2) {
			t.Fatalf("chunk %d: message %v", i, m)
		}
	}
	// Before the meta chunk arrives, no meta is known (a meta chunk may come
	// late; JS accepts it anywhere).
	r.Reset()
	_, p, _ := r.Push(chunks[1])
	if p.Meta != nil {
		t.Fatalf("meta known too early: %s", p.Meta)
	}
	_, p, _ = r.Push(chunks[0])
	m, _, err := r.Push(chunks[2])
	if err != nil || string(p.Meta) != `{"n":1}` || string(m.Meta) != `{"n":1}` {
		t.Fatalf("late meta: %v %s", err, p.Meta)
	}
}

// TestReassembleMetaDelivery: 0.18 delivers metadata only with binary data
// (protocol-0.18 §5.4 step 5); 0.25 with every kind (protocol-0.25 §8).
func TestReassembleMetaDelivery(t *testing.T) {
	metaChunk := func(f Framing, tag byte) Chunk {
		return Chunk{Type: "m", Meta: true, Binary: tag&TagBinary != 0, JSON: tag&TagJSON != 0, Payload: []byte(`{"x":1}`)}
	}
	cases := []struct {
		name     string
		f        Framing
		kind     transfer.Kind
		data     string
		wantMeta bool
	}{
		{"0.18 string", Framing018, transfer.KindString, "hi", false},
		{"0.18 json", Framing018, transfer.KindJSON, `[1]`, false},
		{"0.18 binary", Framing018, transfer.KindBinary, "\x01", true},
		{"0.25 string", Framing025, transfer.KindString, "hi", true},
		{"0.25 json", Framing025, transfer.KindJSON, `[1]`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewReassembler(c.f, transfer.Limits{})
			mc := metaChunk(c.f, tagBits(c.kind))
			data := Chunk{Type: "m", Last: true, Binary: mc.Binary, JSON: mc.JSON, Payload: []byte(c.data)}
			msgs, errs := push(r, mc, data)
			if len(errs) != 0 || len(msgs) != 1 {
				t.Fatal(errs)
			}
			m := msgs[0]
			if m.Kind != c.kind || string(m.Data) != c.data || (m.Meta != nil) != c.wantMeta {
				t.Fatalf("got kind %v data %q meta %s", m.Kind, m.Data, m.Meta)
			}
		})
	}
}

func TestReassembleSingleChunkForms(t *testing.T) {
	cases := []struct {
		name string
		c    Chunk
		kind transfer.Kind
		data string
		meta string
	}{
		{"empty string", Chunk{Type: "a", Last: true}, transfer.KindString, "", ""},
		{"empty binary", Chunk{Type: "a", Last: true, Binary: true, JSON: true}, transfer.KindBinary, "", ""},
		{"meta + empty binary (0x0F)", Chunk{Type: "a", Last: true, Meta: true, Binary: true, JSON: true, Payload: []byte(`{"k":2}`)}, transfer.KindBinary, "", `{"k":2}`},
		{"meta with BOM", Chunk{Type: "a", Last: true, Meta: true, Binary: true, JSON: true, Payload: []byte("\xEF\xBB\xBF[]")}, transfer.KindBinary, "", `[]`},
		{"json with BOM", Chunk{Type: "a", Last: true, JSON: true, Payload: []byte("\xEF\xBB\xBF1")}, transfer.KindJSON, "\xEF\xBB\xBF1", ""},
		{"binary without json bit", Chunk{Type: "a", Last: true, Binary: true, Payload: []byte{9}}, transfer.KindBinary, "\x09", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewReassembler(Framing018, transfer.Limits{})
			m, p, err := r.Push(c.c)
			if err != nil || m == nil {
				t.Fatalf("err %v", err)
			}
			if m.Kind != c.kind || string(m.Data) != c.data || string(m.Meta) != c.meta || m.Data == nil {
				t.Fatalf("got %v %q %q", m.Kind, m.Data, m.Meta)
			}
			if p.Value != c.c.Progress || p.Action != "a" {
				t.Fatalf("progress %+v", p)
			}
		})
	}
	// Data is a copy, not an alias of the chunk.
	payload := []byte("abc")
	m, _, _ := NewReassembler(Framing018, transfer.Limits{}).Push(Chunk{Type: "a", Last: true, Payload: payload})
	payload[0] = 'X'
	if string(m.Data) != "abc" {
		t.Fatal("message aliases the chunk payload")
	}
}

func TestReassembleMalformed(t *testing.T) {
	bin := func(last bool, p string) Chunk {
		return Chunk{Type: "a", Nonce: 1, Last: last, Binary: true, JSON: true, Payload: []byte(p)}
	}
	cases := []struct {
		name   string
		chunks []Chunk
		want   []error // per chunk, nil = accepted
	}{
		{"inconsistent flags", []Chunk{bin(false, "x"), {Type: "a", Nonce: 1, Last: false, Payload: []byte("y")}, bin(true, "z")},
			[]error{nil, ErrInconsistent, ErrDiscarded}},
		{"inconsistent on last", []Chunk{bin(false, "x"), {Type: "a", Nonce: 1, Last: true, JSON: true, Payload: []byte("1")}},
			[]error{nil, ErrInconsistent}},
		{"bad meta", []Chunk{{Type: "a", Nonce: 1, Meta: true, Binary: true, JSON: true, Payload: []byte("{")}, bin(false, "x"), bin(true, "y")},
			[]error{transfer.ErrBadMeta, ErrDiscarded, ErrDiscarded}},
		{"bad meta on last", []Chunk{{Type: "a", Nonce: 1, Last: true, Meta: true, Binary: true, JSON: true, Payload: []byte("nope")}},
			[]error{transfer.ErrBadMeta}},
		{"bad json", []Chunk{{Type: "a", Nonce: 1, JSON: true, Payload: []byte(`{"a":`)}, {Type: "a", Nonce: 1, Last: true, JSON: true, Payload: []byte(`1`)}},
			[]error{nil, transfer.ErrBadJSON}},
		{"empty json", []Chunk{{Type: "a", Last: true, JSON: true}}, []error{transfer.ErrBadJSON}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewReassembler(Framing018, transfer.Limits{})
			for i, ch := range c.chunks {
				m, p, err := r.Push(ch)
				if !errors.Is(err, c.want[i]) || (err != nil && (m != nil || p.Action != "" || p.Meta != nil)) {
					t.Fatalf("chunk %d: err %v msg %v progress %+v, want %v", i, err, m, p, c.want[i])
				}
			}
			if r.Pending() != 0 || r.Buffered() != 0 {
				t.Fatalf("left %d pending, %d bytes", r.Pending(), r.Buffered())
			}
			// The key is usable again afterwards.
			if m, _, err := r.Push(bin(true, "ok")); err != nil || string(m.Data) != "ok" {
				t.Fatalf("after: %v", err)
			}
		})
	}
}

func TestReassembleMaxPending(t *testing.T) {
	r := NewReassembler(Framing018, transfer.Limits{MaxPending: 2})
	part := func(nonce uint32, last bool) Chunk {
		return Chunk{Type: "a", Nonce: nonce, Last: last, Payload: []byte{byte('0' + nonce)}}
	}
	steps := []struct {
		c    Chunk
		want error
		msg  string
	}{
		{part(1, false), nil, ""},
		{part(2, false), nil, ""},
		{part(3, false), ErrTooManyPending, ""}, // third in flight: dropped
		{part(4, true), nil, "4"},               // single-chunk messages never pend
		{part(3, false), ErrDiscarded, ""},
		{part(1, true), nil, "11"},
		{part(3, true), ErrDiscarded, ""}, // end of the dropped one: not delivered truncated
		{part(3, true), nil, "3"},         // the key is free again
		{part(2, true), nil, "22"},
	}
	for i, s := range steps {
		m, _, err := r.Push(s.c)
		if !errors.Is(err, s.want) {
			t.Fatalf("step %d: err %v, want %v", i, err, s.want)
		}
		if got := ""; m != nil {
			got = string(m.Data)
			if got != s.msg {
				t.Fatalf("step %d: message %q, want %q", i, got, s.msg)
			}
		} else if s.msg != "" {
			t.Fatalf("step %d: no message, want %q", i, s.msg)
		}
	}
	if r.Pending() != 0 {
		t.Fatalf("%d pending", r.Pending())
	}
	// Remembered drops are bounded by MaxPending too.
	for n := uint32(10); n < 20; n++ {
		r.Push(part(n, false))
	}
	if r.Pending() != 2 || len(r.dropped) > 2 {
		t.Fatalf("%d pending, %d dropped remembered", r.Pending(), len(r.dropped))
	}
	r.Reset()
	if r.Pending() != 0 || r.Buffered() != 0 || len(r.dropped) != 0 {
		t.Fatal("Reset left state")
	}
}

func TestReassembleMaxBytes(t *testing.T) {
	const n = 1000
	r := NewReassembler(Framing018, transfer.Limits{MaxBytes: 2500, MaxMessage: 2000})
	p := func(nonce uint32, last bool, size int) Chunk {
		return Chunk{Type: "b", Nonce: nonce, Last: last, Binary: true, JSON: true, Payload: make([]byte, size)}
	}
	check := func(step string, c Chunk, want error, buffered int64) *transfer.Message {
		t.Helper()
		m, _, err := r.Push(c)
		if !errors.Is(err, want) {
			t.Fatalf("%s: err %v, want %v", step, err, want)
		}
		if r.Buffered() != buffered {
			t.Fatalf("%s: buffered %d, want %d", step, r.Buffered(), buffered)
		}
		return m
	}
	check("1a", p(1, false, n), nil, 1000)
	check("2a", p(2, false, n), nil, 2000)
	check("1b over MaxBytes", p(1, false, n), ErrOverBudget, 1000) // 1 dropped, its 1000 bytes freed
	check("1c discarded", p(1, true, n), ErrDiscarded, 1000)
	check("2b", p(2, false, n), nil, 2000)
	check("2c over MaxMessage", p(2, false, 1), ErrTooLarge, 0)
	check("3 single chunk too big", p(3, true, 2001), ErrTooLarge, 0)
	if m := check("4 single chunk at limit", p(4, true, 2000), nil, 0); m == nil || len(m.Data) != 2000 {
		t.Fatal("message at MaxMessage not delivered")
	}
	check("5 meta counts", Chunk{Type: "b", Nonce: 5, Meta: true, Binary: true, JSON: true, Payload: []byte(`"` + string(bytes.Repeat([]byte("m"), 1998)) + `"`)}, nil, 2000)
	check("5 data over", p(5, true, 1), ErrTooLarge, 0)
	// An oversized chunk (above ChunkSize) is fine within the limits.
	r2 := NewReassembler(Framing018, transfer.Limits{})
	if m, _, err := r2.Push(p(1, true, 3*Framing018.ChunkSize)); err != nil || len(m.Data) != 3*Framing018.ChunkSize {
		t.Fatalf("oversized chunk: %v", err)
	}
}

// TestReassembleLarge crosses the 1 MiB buffering blocks with payloads that
// do and do not line up with them.
func TestReassembleLarge(t *testing.T) {
	data := seqBytes(3*blockSize + 12345)
	for _, f := range []Framing{
		Framing018,
		{TypeLen: 12, NonceLen: 1, ChunkSize: blockSize + 1000}, // payloads straddle blocks
		{TypeLen: 12, NonceLen: 1, ChunkSize: 4*blockSize + 15}, // one oversized chunk
	} {
		r := NewReassembler(Framing018, transfer.Limits{})
		chunks := chunksOf(t, f, "big", 0, transfer.KindBinary, data, []byte(`{"n":1}`))
		var msg *transfer.Message
		for i, c := range chunks[:len(chunks)-1] {
			if _, _, err := r.Push(c); err != nil {
				t.Fatal(err)
			}
			if i == len(chunks)-2 && r.Buffered() != int64(len(data)-len(chunks[len(chunks)-1].Payload)+len(`{"n":1}`)) {
				t.Fatalf("buffered %d", r.Buffered())
			}
		}
		msg, _, err := r.Push(chunks[len(chunks)-1])
		if err != nil || !bytes.Equal(msg.Data, data) || len(msg.Data) != cap(msg.Data) {
			t.Fatalf("chunk size %d: err %v, %d bytes (cap %d)", f.ChunkSize, err, len(msg.Data), cap(msg.Data))
		}
		// A dropped or reset large transmission gives its blocks back; a
		// later one is still assembled correctly from reused blocks.
		for _, c := range chunks[:len(chunks)-1] {
			r.Push(c)
		}
		r.Reset()
		for _, c := range chunks {
			if msg, _, err = r.Push(c); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(msg.Data, data) {
			t.Fatal("data wrong after block reuse")
		}
	}
}

// Reassemblers that share a Budget hold at most its size together; a chunk
// that does not fit is left untaken (ErrRoomBudget) and fits once another
// Reassembler frees bytes.
func TestReassembleSharedBudget(t *testing.T) {
	b := NewBudget(3000)
	lim := transfer.Limits{MaxBytes: 2500}
	r1, r2 := NewReassembler(Framing018, lim), NewReassembler(Framing018, lim)
	r1.Share(b)
	r2.Share(b)
	p := func(nonce uint32, last bool, size int) Chunk {
		return Chunk{Type: "b", Nonce: nonce, Last: last, Binary: true, Payload: make([]byte, size)}
	}
	must := func(r *Reassembler, c Chunk, want error) *transfer.Message {
		t.Helper()
		m, _, err := r.Push(c)
		if !errors.Is(err, want) {
			t.Fatalf("err %v, want %v", err, want)
		}
		return m
	}
	must(r1, p(1, false, 2000), nil)
	must(r2, p(1, false, 1000), nil)
	must(r2, p(1, false, 1), ErrRoomBudget)
	if r2.Buffered() != 1000 || r2.Pending() != 1 || b.Used() != 3000 {
		t.Fatalf("after ErrRoomBudget: r2 holds %d in %d, budget used %d", r2.Buffered(), r2.Pending(), b.Used())
	}
	r1.Reset()
	if b.Used() != 1000 {
		t.Fatalf("budget used %d after Reset, want 1000", b.Used())
	}
	if m := must(r2, p(1, true, 1), nil); m == nil || len(m.Data) != 1001 {
		t.Fatal("the retried chunk did not complete the message")
	}
	must(r1, Chunk{Type: "b", Nonce: 2, Meta: true, Binary: true, Payload: []byte(`"xxxx"`)}, nil)
	must(r1, Chunk{Type: "b", Nonce: 2, Meta: true, Binary: true, Payload: []byte(`1`)}, nil) // smaller meta gives bytes back
	if b.Used() != 1 || r1.Buffered() != 1 {
		t.Fatalf("budget used %d, r1 holds %d; want 1, 1", b.Used(), r1.Buffered())
	}
	must(r1, p(2, false, 2500), ErrOverBudget) // the peer's own budget comes first
	if b.Used() != 0 {
		t.Fatalf("budget used %d after the drop, want 0", b.Used())
	}
}
