//go:build !js

package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/posthorn/posthorn/internal/testutil"
)

// ChromiumEnv names the environment variable that overrides the Chromium
// binary; by default Debian's /usr/bin/chromium, then chromium or
// chromium-browser on PATH.
const ChromiumEnv = "POSTHORN_CHROMIUM"

// startTimeout bounds how long Launch waits for the browser to start.
const startTimeout = 60 * time.Second

// Browser is one headless Chromium process with a fresh profile.
type Browser struct {
	ctx    context.Context // chromedp browser context; parent of every page
	cancel context.CancelFunc
	out    *lockedBuffer // the browser's stdout and stderr

	mu    sync.Mutex
	pages int // pages opened so far, to name them p1, p2, ...
}

// Flags returns the command-line switches Launch gives Chromium, as
// name → value (true for a bare switch).
func Flags() map[string]any {
	return map[string]any{
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

// Launch starts a headless Chromium for t and stops it when t ends. It skips
// t outside the loopback-only namespace and when Chromium is missing.
func Launch(t testing.TB) *Browser {
	t.Helper()
	testutil.RequireNetns(t)
	path := ChromiumPath()
	if path == "" {
		t.Skip("browsertest: no Chromium found (install Debian's chromium package or set " + ChromiumEnv + ")")
	}
	out := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(out),
		chromedp.WSURLReadTimeout(startTimeout),
	}
	for name, v := range Flags() {
		opts = append(opts, chromedp.Flag(name, v))
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, out: out, cancel: func() { cancel(); allocCancel() }}
	// The first Run starts the browser; it must not carry a timeout, which
	// would stop the browser when it fires.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			b.cancel()
			t.Fatalf("browsertest: starting %s: %v\n%s", path, err, out.tail(4096))
		}
	case <-time.After(startTimeout):
		b.cancel()
		t.Fatalf("browsertest: %s did not start within %v\n%s", path, startTimeout, out.tail(4096))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browsertest: browser output (tail):\n%s", out.tail(4096))
		}
		b.cancel()
	})
	return b
}

// Context returns the browser's chromedp context, for raw chromedp calls.
func (b *Browser) Context() context.Context { return b.ctx }

func (b *Browser) nextName() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pages++
	return "p" + strconv.Itoa(b.pages)
}

// lockedBuffer collects the browser's output from its reader goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// tail returns the last n bytes of the output, without the D-Bus errors
// Chromium logs on every start in a container (no session bus there).
func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keep []string
	for _, line := range strings.Split(l.buf.String(), "\n") {
		if !strings.Contains(line, "dbus/") && !strings.Contains(line, "examples of valid types") {
			keep = append(keep, line)
		}
	}
	s := strings.Join(keep, "\n")
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}
