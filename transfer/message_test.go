package transfer

import (
	"errors"
	"testing"
)

func TestMessageHelpers(t *testing.T) {
	m := Message{Action: "a", Kind: KindJSON, Data: []byte("\xEF\xBB\xBF{\"a\":[1,\"x\"]}")}
	var v struct {
		A []any `json:"a"`
	}
	if err := m.Decode(&v); err != nil || len(v.A) != 2 || v.A[1] != "x" {
		t.Fatalf("Decode: %v %v", err, v)
	}
	if m.String() != `{"a":[1,"x"]}` {
		t.Fatalf("String %q", m.String())
	}
	if err := m.DecodeMeta(&v); !errors.Is(err, ErrNoMeta) {
		t.Fatalf("DecodeMeta without meta: %v", err)
	}
	if err := (Message{Data: []byte("{")}).Decode(&v); err == nil {
		t.Fatal("Decode of bad JSON succeeded")
	}

	b := Message{Kind: KindBinary, Data: []byte{0xff, 'a'}, Meta: []byte(`{"name":"f"}`)}
	var meta struct{ Name string }
	if err := b.DecodeMeta(&meta); err != nil || meta.Name != "f" {
		t.Fatalf("DecodeMeta: %v %v", err, meta)
	}
	if b.String() != "\uFFFDa" || string(b.Bytes()) != "\xffa" {
		t.Fatalf("String %q Bytes %q", b.String(), b.Bytes())
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindString: "string", KindJSON: "json", KindBinary: "binary", 0: "Kind(0)", 9: "Kind(9)"} {
		if k.String() != want {
			t.Errorf("%d: %q", k, k.String())
		}
	}
}
