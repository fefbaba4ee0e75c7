//go:build !js

package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the environment variable that overrides the Chromium
// binary; by default Debian's /usr/bin/chromium, then chromium or
// chromium-browser on PATH.
const ChromiumEnv = "POSTHORN_CHROMIUM"

// JSFlagsEnv names the environment variable whose value, when set, goes to
// Chromium's V8 as --js-flags: for experiments such as BenchmarkVsTrystero
// with --no-wasm-lazy-compilation (docs/benchmarks.md), not for tests.
const JSFlagsEnv = "POSTHORN_CHROMIUM_JS_FLAGS"

// Flags returns the command-line switches Launch gives Chromium, as
// name → value (true for a bare switch).
func Flags() map[string]any {
	f := map[string]any{
		"headless":                      "new",
		"no-sandbox":                    true, // tests run as root in a container
		"disable-gpu":                   true,
		"disable-quic":                  true,
		"no-first-run":                  true,
		"no-default-browser-check":      true,
		"disable-background-networking": true,
		"disable-component-update":      true,
		"disable-sync":                  true,
		"disable-dev-shm-usage":         true, // small /dev/shm in containers
		"disable-extensions":            true,
		"mute-audio":                    true,
		// Without it Chromium gathers no ICE candidates on lo, the only
		// interface of the test namespace.
		"allow-loopback-in-peer-connection": true,
		// Host candidates as plain addresses, not mDNS .local names that
		// nothing resolves in the namespace (and pion cannot either).
		"disable-features":                 "WebRtcHideLocalIpsWithMdns,Translate",
		"use-fake-ui-for-media-stream":     true,
		"use-fake-device-for-media-stream": true,
		"autoplay-policy":                  "no-user-gesture-required",
		// Pages in background tabs must keep their timers running: the
		// tests drive several pages at once.
		"disable-background-timer-throttling":    true,
		"disable-backgrounding-occluded-windows": true,
		"disable-renderer-backgrounding":         true,
		"disable-ipc-flooding-protection":        true,
	}
	if v := os.Getenv(JSFlagsEnv); v != "" {
		f["js-flags"] = v
	}
	return f
}

// ChromiumPath returns the Chromium binary to run, or "" when none is
// installed.
func ChromiumPath() string {
	if p := os.Getenv(ChromiumEnv); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromium is a Chromium driven over CDP by chromedp.
type chromium struct {
	ctx    context.Context // chromedp browser context; parent of every page
	cancel context.CancelFunc
}

// startChromium starts Chromium with a fresh profile in dir and its output
// going to out.
func startChromium(path, dir string, out *lockedBuffer) (browserImpl, context.Context, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.CombinedOutput(out),
		chromedp.WSURLReadTimeout(startTimeout),
	}
	for name, v := range Flags() {
		opts = append(opts, chromedp.Flag(name, v))
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	c := &chromium{ctx: ctx, cancel: func() { cancel(); allocCancel() }}
	// The first Run starts the browser; it must not carry a timeout, which
	// would stop the browser when it fires.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			c.cancel()
			return nil, nil, err
		}
	case <-time.After(startTimeout):
		c.cancel()
		return nil, nil, fmt.Errorf("not started within %v", startTimeout)
	}
	return c, ctx, nil
}

func (c *chromium) stop() { c.cancel() }

func (c *chromium) pid() int {
	if cc := chromedp.FromContext(c.ctx); cc != nil && cc.Browser != nil && cc.Browser.Process() != nil {
		return cc.Browser.Process().Pid
	}
	return 0
}

func (c *chromium) openPage(log *consoleLog) (pageDriver, context.Context, error) {
	ctx, cancel := chromedp.NewContext(c.ctx)
	// Subscribe before navigating, so no message is lost.
	msgs := chromedp.Console(ctx)
	go log.pump(func(yield func(string) bool) {
		for m, err := range msgs {
			if err != nil || !yield(formatCDP(m)) {
				return
			}
		}
	})
	return &chromiumPage{ctx: ctx, cancel: cancel}, ctx, nil
}

// chromiumPage is one Chromium tab.
type chromiumPage struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func (p *chromiumPage) close() { p.cancel() }

func (p *chromiumPage) navigate(ctx context.Context, url string) error {
	return chromedp.Do(ctx, chromedp.Navigate(url))
}

func (p *chromiumPage) reload(ctx context.Context) error {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Reload())
}

func (p *chromiumPage) evaluate(ctx context.Context, expr string) ([]byte, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
}

func (p *chromiumPage) screenshot(ctx context.Context, full bool) ([]byte, error) {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	if full {
		return chromedp.Run(ctx, chromedp.FullScreenshot(100))
	}
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

func (p *chromiumPage) setFiles(ctx context.Context, selector string, paths []string) error {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	return chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(selector), paths))
}

func (p *chromiumPage) mouseMove(ctx context.Context, x, y float64) error {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	return chromedp.Do(ctx, chromedp.MouseEvent("mouseMoved", x, y))
}

func (p *chromiumPage) setViewport(ctx context.Context, w, h int64, mobile bool) error {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	hide := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true})
		return err
	})
	return chromedp.Do(ctx, hide, chromedp.EmulateViewport(w, h, opts...))
}
