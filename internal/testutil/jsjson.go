package testutil

import (
	"bytes"
	"testing"

	"github.com/posthorn/posthorn/internal/jsjson"
)

// SameAsMarshal fails t unless got is the JSON jsjson.Marshal gives for ref:
// the check for encoders that write JSON.stringify's bytes by hand, against
// the struct or slice they replace.
func SameAsMarshal(t testing.TB, what string, got []byte, ref any) {
	t.Helper()
	want, err := jsjson.Marshal(ref)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s\n got %s\nwant %s", what, got, want)
	}
}
