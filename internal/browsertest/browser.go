//go:build !js

package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/testutil"
)

// Kind is a browser the tests can run in.
type Kind string

// The browsers: Debian's chromium and firefox-esr packages.
const (
	Chromium Kind = "chromium"
	Firefox  Kind = "firefox"
)

// BrowserEnv names the environment variable with which a run that uses one
// browser (the benchmarks) picks it: "chromium" or "firefox".
const BrowserEnv = "POSTHORN_BROWSER"

// Kinds lists every browser, Chromium first.
var Kinds = []Kind{Chromium, Firefox}

// ParseKind returns the browser named s ("chromium" or "firefox"), for a
// command-line flag such as -browser.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("browsertest: unknown browser %q (want chromium or firefox)", s)
}

// Other returns the other browser: Firefox for Chromium and the reverse.
func (k Kind) Other() Kind {
	if k == Chromium {
		return Firefox
	}
	return Chromium
}

// Path returns the browser's binary, or "" when it is not installed.
func (k Kind) Path() string {
	switch k {
	case Chromium:
		return ChromiumPath()
	case Firefox:
		return FirefoxPath()
	}
	return ""
}

// startTimeout bounds how long Launch waits for the browser to start.
const startTimeout = 60 * time.Second

// Browser is one headless browser process with a fresh profile.
type Browser struct {
	kind Kind
	impl browserImpl
	ctx  context.Context // ends when the browser is stopped
	out  *lockedBuffer   // the browser's stdout and stderr

	mu    sync.Mutex
	pages int // pages opened so far, to name them p1, p2, ...
}

// browserImpl is what a browser kind implements.
type browserImpl interface {
	// openPage opens a blank page whose console goes to log; its context
	// ends when the page is closed.
	openPage(log *consoleLog) (pageDriver, context.Context, error)
	stop()
	// pid is the browser's main process, 0 if unknown.
	pid() int
}

// Pid returns the browser's main process id (0 if unknown), for measuring
// the CPU time of it and its children.
func (b *Browser) Pid() int { return b.impl.pid() }

// Launch starts a headless Chromium for t and stops it when t ends. It skips
// t outside the loopback-only namespace and when Chromium is missing.
func Launch(t testing.TB) *Browser {
	t.Helper()
	return LaunchKind(t, Chromium)
}

// LaunchKind starts a headless browser of kind k for t and stops it when t
// ends. It skips t outside the loopback-only namespace and when the browser
// is missing.
func LaunchKind(t testing.TB, k Kind) *Browser {
	t.Helper()
	testutil.RequireNetns(t)
	path := k.Path()
	if path == "" {
		t.Skipf("browsertest: no %s found (install Debian's %s package or set %s)", k, k.pkg(), k.env())
	}
	out := &lockedBuffer{}
	b := &Browser{kind: k, out: out}
	var err error
	switch k {
	case Chromium:
		b.impl, b.ctx, err = startChromium(path, t.TempDir(), out)
	case Firefox:
		b.impl, b.ctx, err = startFirefox(path, t.TempDir(), out)
	default:
		t.Fatalf("browsertest: unknown browser %q", k)
	}
	if err != nil {
		t.Fatalf("browsertest: starting %s: %v\n%s", path, err, out.tail(4096))
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browsertest: %s output (tail):\n%s", k, out.tail(4096))
		}
		b.impl.stop()
	})
	return b
}

// ForEach runs f as one subtest per browser, named after it ("chromium",
// "firefox"), so that a failure names the browser.
func ForEach(t *testing.T, f func(t *testing.T, k Kind)) {
	t.Helper()
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) { f(t, k) })
	}
}

// Kind returns the browser's kind.
func (b *Browser) Kind() Kind { return b.kind }

// Context returns a context that ends when the browser stops. For
// Chromium it is the chromedp browser context, for raw chromedp calls.
func (b *Browser) Context() context.Context { return b.ctx }

func (b *Browser) nextName() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pages++
	return "p" + strconv.Itoa(b.pages)
}

func (k Kind) pkg() string {
	if k == Firefox {
		return "firefox-esr"
	}
	return string(k)
}

func (k Kind) env() string {
	if k == Firefox {
		return FirefoxEnv
	}
	return ChromiumEnv
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
