//go:build !js

package main

import (
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// bars draws one progress bar per file and peer when stderr is a
// terminal; without one, every method does nothing.
type bars struct {
	p  *mpb.Progress
	mu sync.Mutex
}

func newBars(w io.Writer) *bars {
	if w == nil {
		return &bars{}
	}
	return &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(32), mpb.WithAutoRefresh())}
}

// bar is one transfer's bar; a nil *bar does nothing.
type bar struct {
	b     *mpb.Bar
	total int64
}

// add starts a bar labelled label for total bytes (0: unknown size).
func (bs *bars) add(label string, total int64) *bar {
	if bs.p == nil {
		return nil
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if total <= 0 {
		total = 100
	}
	b := bs.p.AddBar(total,
		mpb.PrependDecorators(decor.Name(label, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Percentage(decor.WCSyncSpace)),
	)
	return &bar{b: b, total: total}
}

// set shows progress pct (0 to 1).
func (b *bar) set(pct float64) {
	if b == nil {
		return
	}
	n := int64(pct * float64(b.total))
	if n >= b.total {
		n = b.total - 1 // done only by done, so a bar never ends early
	}
	b.b.SetCurrent(n)
}

// done completes the bar.
func (b *bar) done() {
	if b == nil {
		return
	}
	b.b.SetCurrent(b.total)
}

// abort removes the bar of a transfer that did not complete.
func (b *bar) abort() {
	if b == nil {
		return
	}
	b.b.Abort(true)
}

// wait waits for every bar to be done or aborted, and stops drawing.
func (bs *bars) wait() {
	if bs.p != nil {
		bs.p.Wait()
	}
}
