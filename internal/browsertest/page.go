//go:build !js

package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// DefaultTimeout bounds one Eval or WaitFor call when the caller gives none.
const DefaultTimeout = 60 * time.Second

// pollInterval is how often WaitFor re-evaluates its condition.
const pollInterval = 50 * time.Millisecond

// Page is one browser tab.
type Page struct {
	Name string // prefix of its log lines and screenshot files

	ctx    context.Context // ends when the page is closed
	drv    pageDriver
	log    *consoleLog
	shots  sync.Mutex // one screenshot at a time
	closed sync.Once
}

// pageDriver is what a browser kind implements for a page.
type pageDriver interface {
	navigate(ctx context.Context, url string) error
	reload(ctx context.Context) error
	// evaluate returns the JSON of expr's (awaited) value, nil for undefined.
	evaluate(ctx context.Context, expr string) ([]byte, error)
	screenshot(ctx context.Context, full bool) ([]byte, error)
	setFiles(ctx context.Context, selector string, paths []string) error
	mouseMove(ctx context.Context, x, y float64) error
	setViewport(ctx context.Context, width, height int64, mobile bool) error
	close()
}

// NewPage opens url in a new tab named p1, p2, ... and closes it when t ends.
// The page's console goes to t's log from before the navigation on.
func (b *Browser) NewPage(t testing.TB, url string) *Page {
	t.Helper()
	return b.NewNamedPage(t, b.nextName(), url)
}

// NewNamedPage is NewPage with a chosen name for log lines and screenshots.
func (b *Browser) NewNamedPage(t testing.TB, name, url string) *Page {
	t.Helper()
	p := &Page{Name: name, log: newConsoleLog(t, name)}
	// The page's console is collected from before the navigation on.
	drv, ctx, err := b.impl.openPage(p.log)
	if err != nil {
		t.Fatalf("browsertest: %s: opening a %s page: %v", name, b.kind, err)
	}
	p.drv, p.ctx = drv, ctx
	t.Cleanup(func() {
		if t.Failed() {
			if path, err := p.screenshot(t.Name()); err == nil {
				t.Logf("browsertest: screenshot of %s: %s", name, path)
			}
		}
		p.log.close()
		p.Close()
	})
	navCtx, navCancel := context.WithTimeout(ctx, DefaultTimeout)
	defer navCancel()
	if err := drv.navigate(navCtx, url); err != nil {
		t.Fatalf("browsertest: %s: navigate to %s: %v", name, url, err)
	}
	return p
}

// Close closes the page now, as a user closing its tab would; t's end
// closes it otherwise.
func (p *Page) Close() {
	p.closed.Do(p.drv.close)
}

// Context returns the page's context, which ends when the page closes. In
// Chromium it is the page's chromedp context, for raw chromedp calls; in
// Firefox raw calls have no protocol to go to (use the Page methods).
func (p *Page) Context() context.Context { return p.ctx }

// Logs returns the console lines the page has written so far.
func (p *Page) Logs() []string { return p.log.lines() }

// Evaluate runs the JavaScript expression expr in the page, awaits it if it
// is a promise, and JSON-decodes its value into out (nil discards it). It is
// safe to call from any goroutine; ctx bounds the call.
func (p *Page) Evaluate(ctx context.Context, expr string, out any) error {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	raw, err := p.drv.evaluate(ctx, expr)
	if err != nil {
		return fmt.Errorf("browsertest: %s: evaluating %s: %w", p.Name, short(expr), err)
	}
	if out == nil {
		return nil
	}
	if len(raw) == 0 { // undefined
		raw = []byte("null")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("browsertest: %s: decoding result of %s (%s): %w", p.Name, short(expr), short(string(raw)), err)
	}
	return nil
}

// Eval is Evaluate with DefaultTimeout that fails t on error. Call it from the
// test's goroutine only.
func (p *Page) Eval(t testing.TB, expr string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	if err := p.Evaluate(ctx, expr, out); err != nil {
		t.Fatal(err)
	}
}

// EvalAs evaluates expr in p (awaiting a promise) and returns its value
// decoded as T; it fails t on error.
func EvalAs[T any](t testing.TB, p *Page, expr string) T {
	t.Helper()
	var v T
	p.Eval(t, expr, &v)
	return v
}

// ErrTimeout is returned by WaitUntil when the condition never held.
var ErrTimeout = errors.New("browsertest: condition not met in time")

// WaitUntil evaluates the JavaScript condition expr (awaiting a promise)
// until it is truthy or ctx ends.
func (p *Page) WaitUntil(ctx context.Context, expr string) error {
	wrapped := "(async () => !!(await (" + expr + ")))()"
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var lastErr error
	for {
		var ok bool
		err := p.Evaluate(ctx, wrapped, &ok)
		if err == nil && ok {
			return nil
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return fmt.Errorf("%w: %s on %s (last error: %v)", ErrTimeout, short(expr), p.Name, lastErr)
			}
			return fmt.Errorf("%w: %s on %s", ErrTimeout, short(expr), p.Name)
		case <-tick.C:
		}
	}
}

// WaitFor is WaitUntil with a timeout (0 = DefaultTimeout) that fails t
// when the condition does not hold in time.
func (p *Page) WaitFor(t testing.TB, expr string, timeout time.Duration) {
	t.Helper()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := p.WaitUntil(ctx, expr); err != nil {
		t.Fatalf("%v (after %v)", err, timeout)
	}
}

// Screenshot saves a PNG of the page in the artefacts folder under
// <test name>-<page name>-<label>.png and returns its path.
func (p *Page) Screenshot(t testing.TB, label string) string {
	t.Helper()
	path, err := p.screenshot(t.Name() + "-" + label)
	if err != nil {
		t.Errorf("browsertest: %s: screenshot: %v", p.Name, err)
	}
	return path
}

func (p *Page) screenshot(label string) (string, error) {
	p.shots.Lock()
	defer p.shots.Unlock()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	png, err := p.drv.screenshot(ctx, false)
	if err != nil {
		return "", err
	}
	return writeArtefact(label+"-"+p.Name+".png", png)
}

// mergeCtx returns a context that ends when either a or b ends.
func mergeCtx(a, b context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(b)
	stop := context.AfterFunc(a, cancel)
	if d, ok := a.Deadline(); ok {
		var c2 context.CancelFunc
		ctx, c2 = context.WithDeadline(ctx, d)
		return ctx, func() { stop(); c2(); cancel() }
	}
	return ctx, func() { stop(); cancel() }
}

func short(s string) string {
	const max = 120
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
