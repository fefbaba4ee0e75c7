package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestMeasureRoundTrips(t *testing.T) {
	in := bytes.Repeat([]byte("posthorn wasm "), 4096)
	s, err := measure(in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Raw != len(in) {
		t.Fatalf("raw = %d, want %d", s.Raw, len(in))
	}
	if s.Gzip >= s.Raw || s.Brotli >= s.Raw {
		t.Fatalf("repetitive input did not shrink: %+v", s)
	}
	// The sizes are those of real streams: recompress and decode them.
	var gz, br bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(in)
	zw.Close()
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(in)
	bw.Close()
	if br.Len() != s.Brotli {
		t.Fatalf("brotli size %d, measure said %d", br.Len(), s.Brotli)
	}
	out, err := io.ReadAll(brotli.NewReader(&br))
	if err != nil || !bytes.Equal(out, in) {
		t.Fatalf("brotli stream does not decode back: %v", err)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.wasm")
	if err := os.WriteFile(f, bytes.Repeat([]byte{0, 97, 115, 109}, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(&out, []string{f}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "a.wasm") || !strings.Contains(out.String(), "3.9 KiB") {
		t.Fatalf("unexpected report:\n%s", out.String())
	}
	if err := run(&out, nil); err == nil {
		t.Fatal("no files: want a usage error")
	}
	if err := run(&out, []string{filepath.Join(dir, "missing.wasm")}); err == nil {
		t.Fatal("missing file: want an error")
	}
}
