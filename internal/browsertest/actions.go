//go:build !js

package browsertest

import (
	"context"
	"testing"
	"time"
)

// actionTimeout bounds one of the actions below.
const actionTimeout = 30 * time.Second

// do runs f with actionTimeout under the page's context and fails t with
// what on error.
func (p *Page) do(t testing.TB, what string, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := f(ctx); err != nil {
		t.Fatalf("browsertest: %s: %s: %v", p.Name, what, err)
	}
}

// Reload reloads the page and waits until it has loaded.
func (p *Page) Reload(t testing.TB) {
	t.Helper()
	p.do(t, "reload", p.drv.reload)
}

// SetFiles puts the files at paths on the file input matched by the CSS
// selector, as picking them in the file dialog would (the input fires its
// change event).
func (p *Page) SetFiles(t testing.TB, selector string, paths ...string) {
	t.Helper()
	p.do(t, "set files on "+selector, func(ctx context.Context) error { return p.drv.setFiles(ctx, selector, paths) })
}

// MouseMove moves the browser's mouse to (x, y) in CSS pixels of the
// viewport, firing the pointer and mouse events a real move fires.
func (p *Page) MouseMove(t testing.TB, x, y float64) {
	t.Helper()
	p.do(t, "mouse move", func(ctx context.Context) error { return p.drv.mouseMove(ctx, x, y) })
}

// SetViewport resizes the page's viewport to width × height CSS pixels,
// with scrollbars that take no room. mobile also emulates a phone (touch
// and the mobile viewport rules) where the browser can: Chromium only;
// Firefox gets the size alone.
func (p *Page) SetViewport(t testing.TB, width, height int64, mobile bool) {
	t.Helper()
	p.do(t, "set viewport", func(ctx context.Context) error { return p.drv.setViewport(ctx, width, height, mobile) })
}

// FullScreenshot returns a PNG of the whole page, beyond the viewport.
func (p *Page) FullScreenshot(t testing.TB) []byte {
	t.Helper()
	p.shots.Lock()
	defer p.shots.Unlock()
	var png []byte
	p.do(t, "full screenshot", func(ctx context.Context) (err error) {
		png, err = p.drv.screenshot(ctx, true)
		return err
	})
	return png
}
