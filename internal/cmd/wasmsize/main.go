// Command wasmsize prints the raw, gzip and brotli sizes of files, for
// scripts/build-wasm's report on the browser bundles. It is a Go tool
// because no brotli command line is guaranteed on the build machines.
//
//	go run ./internal/cmd/wasmsize dist/*.wasm
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

// Sizes are one file's byte counts.
type Sizes struct{ Raw, Gzip, Brotli int }

// measure compresses b the way a static server would serve it: gzip -9
// and brotli at its best quality (11).
func measure(b []byte) (Sizes, error) {
	var gz, br bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return Sizes{}, err
	}
	if _, err := zw.Write(b); err != nil {
		return Sizes{}, err
	}
	if err := zw.Close(); err != nil {
		return Sizes{}, err
	}
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	if _, err := bw.Write(b); err != nil {
		return Sizes{}, err
	}
	if err := bw.Close(); err != nil {
		return Sizes{}, err
	}
	return Sizes{Raw: len(b), Gzip: gz.Len(), Brotli: br.Len()}, nil
}

func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

func run(w io.Writer, files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("wasmsize: usage: wasmsize FILE...")
	}
	fmt.Fprintf(w, "%-28s %12s %12s %12s\n", "file", "raw", "gzip", "brotli")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		s, err := measure(b)
		if err != nil {
			return fmt.Errorf("wasmsize: %s: %w", f, err)
		}
		fmt.Fprintf(w, "%-28s %12s %12s %12s\n", filepath.Base(f), kib(s.Raw), kib(s.Gzip), kib(s.Brotli))
	}
	return nil
}

func main() {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
