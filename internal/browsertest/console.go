//go:build !js

package browsertest

import (
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// consoleLog copies a page's console messages to the test log while the test
// runs, and keeps them for Page.Logs.
type consoleLog struct {
	t    testing.TB
	name string

	mu     sync.Mutex
	closed bool // t has ended: t.Logf would panic
	all    []string
}

func newConsoleLog(t testing.TB, name string) *consoleLog {
	return &consoleLog{t: t, name: name}
}

// pump adds every line of lines until it ends.
func (c *consoleLog) pump(lines iter.Seq[string]) {
	for l := range lines {
		c.add(l)
	}
}

// formatCDP renders a Chromium console message as "type: text", with the
// first frames of an exception's stack.
func formatCDP(m chromedp.ConsoleMessage) string {
	var b strings.Builder
	b.WriteString(string(m.Type))
	b.WriteString(": ")
	b.WriteString(m.Text)
	if m.IsException() && m.Stack != nil {
		for i, f := range m.Stack.CallFrames {
			if i == 8 {
				break
			}
			fmt.Fprintf(&b, "\n\tat %s (%s:%d:%d)", f.FunctionName, f.URL, f.LineNumber+1, f.ColumnNumber+1)
		}
	}
	return b.String()
}

func (c *consoleLog) add(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.all = append(c.all, line)
	if !c.closed {
		c.t.Logf("[%s] %s", c.name, line)
	}
}

func (c *consoleLog) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
}

func (c *consoleLog) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.all...)
}
