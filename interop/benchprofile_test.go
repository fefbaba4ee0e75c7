//go:build !js

package interop

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"github.com/posthorn/posthorn/internal/browsertest"
)

var benchProfileJoin = flag.String("profile-join", "", "BenchmarkVsTrystero: write a Chromium CPU profile of each join's pages into this folder")

// profileJoin starts Chromium's sampling profiler on p when -profile-join
// names a folder, and returns the function that stops it and writes the
// profile (DevTools' .cpuprofile JSON, which the Performance panel opens)
// as <mode>-<strategy>-<lib>-round<N>-<page>.cpuprofile. Build the wasm
// without -s to see Go function names in it.
func profileJoin(b *testing.B, p *browsertest.Page, page string) (stop func()) {
	b.Helper()
	if *benchProfileJoin == "" {
		return func() {}
	}
	ctx := p.Context()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, profiler.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 100}); err != nil { // µs
			return err
		}
		_, err := cdp.Call(ctx, t, profiler.Start, cdp.Empty{})
		return err
	})); err != nil {
		b.Fatalf("-profile-join needs Chromium: %v", err)
	}
	return func() {
		b.Helper()
		res, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (profiler.StopResult, error) {
			return cdp.Call(ctx, t, profiler.Stop, cdp.Empty{})
		})
		if err != nil {
			b.Fatal(err)
		}
		prof := res.Profile
		j, err := json.Marshal(prof)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(*benchProfileJoin, 0o755); err != nil {
			b.Fatal(err)
		}
		// <mode>/<strategy>/<lib>/round<N> → <mode>-<strategy>-<lib>-round<N>-<page>.cpuprofile
		trial := strings.TrimPrefix(b.Name(), "BenchmarkVsTrystero/")
		name := filepath.Join(*benchProfileJoin, strings.ReplaceAll(trial, "/", "-")+"-"+page+".cpuprofile")
		if err := os.WriteFile(name, j, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
