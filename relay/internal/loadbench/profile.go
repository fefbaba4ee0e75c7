//go:build !js

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// profiler saves pprof profiles of the relay (served on its -debug-addr)
// into dir: CPU over the middle third of the run, and heap, goroutines and
// lock contention near its end, while the load and the attacks still run.
type profiler struct {
	dir  string
	base string // http://debug-addr
}

func (p *profiler) run(ctx context.Context, duration time.Duration) {
	third := duration / 3
	if !pause(ctx, third) {
		return
	}
	p.save(ctx, "cpu.pb.gz", fmt.Sprintf("profile?seconds=%d", max(1, int(third.Seconds()))))
	if !pause(ctx, max(0, third-5*time.Second)) {
		return
	}
	for name, path := range map[string]string{
		"heap.pb.gz":      "heap",
		"goroutine.pb.gz": "goroutine",
		"mutex.pb.gz":     "mutex",
		"allocs.pb.gz":    "allocs",
	} {
		p.save(ctx, name, path)
	}
}

func (p *profiler) save(ctx context.Context, name, path string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/debug/pprof/"+path, nil)
	if err != nil {
		return
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench: profile", name+":", err)
		return
	}
	defer res.Body.Close()
	f, err := os.Create(filepath.Join(p.dir, name))
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, res.Body); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench: profile", name+":", err)
	}
}
