//go:build !js

package browsertest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// FirefoxEnv names the environment variable that overrides the Firefox
// binary; by default Debian's firefox-esr, then firefox on PATH.
const FirefoxEnv = "POSTHORN_FIREFOX"

// FirefoxPath returns the Firefox binary to run, or "" when none is
// installed.
func FirefoxPath() string {
	if p := os.Getenv(FirefoxEnv); p != "" {
		return p
	}
	for _, name := range []string{"firefox-esr", "firefox"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// bidiListening is the line Firefox prints on stderr once its WebDriver BiDi
// server listens.
var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// firefox is a Firefox driven over WebDriver BiDi.
type firefox struct {
	cmd    *exec.Cmd
	conn   *bidiConn
	ctx    context.Context // ends when the browser stops
	cancel context.CancelFunc
	outEOF chan struct{} // closed when the output pipe is drained

	mu   sync.Mutex
	logs map[string]*consoleLog // browsing context id → its page's console
}

// startFirefox starts Firefox with a fresh profile in dir and its output
// going to out, and opens a BiDi session on it.
func startFirefox(path, dir string, out *lockedBuffer) (browserImpl, context.Context, error) {
	if err := writeUserJS(dir, FirefoxPrefs()); err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(path, "--headless", "--no-remote", "--profile", dir, "--remote-debugging-port=0", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1", "MOZ_CRASHREPORTER_DISABLE=1")
	// Its own process group, so that stop ends the content processes too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &firefox{cmd: cmd, ctx: ctx, cancel: cancel, outEOF: make(chan struct{}), logs: map[string]*consoleLog{}}
	urls := make(chan string, 1)
	go f.readOutput(pr, out, urls)
	go func() { cmd.Wait(); pw.Close() }()

	fail := func(err error) (browserImpl, context.Context, error) {
		f.stop()
		return nil, nil, err
	}
	var url string
	select {
	case url = <-urls:
	case <-f.outEOF:
		return fail(errors.New("exited before its BiDi server listened"))
	case <-time.After(startTimeout):
		return fail(fmt.Errorf("BiDi server not listening within %v", startTimeout))
	}
	sctx, scancel := context.WithTimeout(ctx, startTimeout)
	defer scancel()
	conn, err := dialBiDi(sctx, url+"/session", f.event)
	if err != nil {
		return fail(err)
	}
	f.conn = conn
	if err := conn.call(sctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		return fail(err)
	}
	if err := conn.call(sctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		return fail(err)
	}
	return f, ctx, nil
}

// readOutput copies Firefox's output to out and sends the BiDi URL to urls
// when it shows.
func (f *firefox) readOutput(r io.Reader, out *lockedBuffer, urls chan<- string) {
	defer close(f.outEOF)
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		out.Write([]byte(line + "\n"))
		if m := bidiListening.FindStringSubmatch(line); m != nil && !sent {
			urls <- m[1]
			sent = true
		}
	}
	io.Copy(io.Discard, r) // a line longer than the scanner's buffer
}

// stop ends the session, closes the browser and, if it is still there after
// a grace period, kills its process group.
func (f *firefox) pid() int { return f.cmd.Process.Pid }

func (f *firefox) stop() {
	f.cancel()
	if f.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		f.conn.call(ctx, "browser.close", nil, nil)
		cancel()
		f.conn.close()
		select {
		case <-f.outEOF:
		case <-time.After(10 * time.Second):
		}
	}
	syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
	<-f.outEOF
}

// logEntry is the params of a log.entryAdded event.
type logEntry struct {
	Type   string `json:"type"` // console or javascript
	Level  string `json:"level"`
	Method string `json:"method"`
	Text   string `json:"text"`
	Source struct {
		Context string `json:"context"`
	} `json:"source"`
	StackTrace *struct {
		CallFrames []struct {
			FunctionName string `json:"functionName"`
			URL          string `json:"url"`
			LineNumber   int    `json:"lineNumber"`
			ColumnNumber int    `json:"columnNumber"`
		} `json:"callFrames"`
	} `json:"stackTrace"`
}

// event handles the events the session subscribed to: console lines go to
// their page's log.
func (f *firefox) event(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e logEntry
	if json.Unmarshal(params, &e) != nil {
		return
	}
	f.mu.Lock()
	log := f.logs[e.Source.Context]
	f.mu.Unlock()
	if log != nil {
		log.add(formatBiDi(e))
	}
}

// formatBiDi renders a log entry the way formatCDP renders Chromium's:
// "log: text", "warning: text", "exception: text" and the stack's first
// frames.
func formatBiDi(e logEntry) string {
	var b strings.Builder
	switch {
	case e.Type == "javascript":
		b.WriteString("exception")
	case e.Method == "warn":
		b.WriteString("warning")
	case e.Method != "":
		b.WriteString(e.Method)
	default:
		b.WriteString(e.Level)
	}
	b.WriteString(": ")
	b.WriteString(e.Text)
	if e.Type == "javascript" && e.StackTrace != nil {
		for i, fr := range e.StackTrace.CallFrames {
			if i == 8 {
				break
			}
			fmt.Fprintf(&b, "\n\tat %s (%s:%d:%d)", fr.FunctionName, fr.URL, fr.LineNumber+1, fr.ColumnNumber+1)
		}
	}
	return b.String()
}

// openPage opens a new window: each page is then the visible page of its
// own window, as Chromium's tabs are for the tests.
func (f *firefox) openPage(log *consoleLog) (pageDriver, context.Context, error) {
	ctx, cancel := context.WithTimeout(f.ctx, DefaultTimeout)
	defer cancel()
	var res struct {
		Context string `json:"context"`
	}
	if err := f.conn.call(ctx, "browsingContext.create", map[string]any{"type": "window"}, &res); err != nil {
		return nil, nil, err
	}
	f.mu.Lock()
	f.logs[res.Context] = log
	f.mu.Unlock()
	pctx, pcancel := context.WithCancel(f.ctx)
	return &firefoxPage{f: f, id: res.Context, ctx: pctx, cancel: pcancel}, pctx, nil
}

// firefoxPage is one Firefox window.
type firefoxPage struct {
	f      *firefox
	id     string // browsing context id
	ctx    context.Context
	cancel context.CancelFunc
}

// call runs a BiDi command until ctx or the page ends.
func (p *firefoxPage) call(ctx context.Context, method string, params map[string]any, out any) error {
	ctx, cancel := mergeCtx(ctx, p.ctx)
	defer cancel()
	return p.f.conn.call(ctx, method, params, out)
}

func (p *firefoxPage) close() {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	p.f.conn.call(ctx, "browsingContext.close", map[string]any{"context": p.id}, nil)
	cancel()
	p.cancel()
	p.f.mu.Lock()
	delete(p.f.logs, p.id)
	p.f.mu.Unlock()
}

func (p *firefoxPage) navigate(ctx context.Context, url string) error {
	return p.call(ctx, "browsingContext.navigate", map[string]any{"context": p.id, "url": url, "wait": "complete"}, nil)
}

func (p *firefoxPage) reload(ctx context.Context) error {
	return p.call(ctx, "browsingContext.reload", map[string]any{"context": p.id, "wait": "complete"}, nil)
}

// evalResult is script.evaluate's result.
type evalResult struct {
	Type             string          `json:"type"` // success or exception
	Result           json.RawMessage `json:"result"`
	ExceptionDetails struct {
		Text string `json:"text"`
	} `json:"exceptionDetails"`
}

// eval evaluates expr as a script (awaiting a promise) with a user
// activation, as Chromium's tests run with no autoplay policy.
func (p *firefoxPage) eval(ctx context.Context, expr string) (json.RawMessage, error) {
	var res evalResult
	err := p.call(ctx, "script.evaluate", map[string]any{
		"expression":      expr,
		"target":          map[string]any{"context": p.id},
		"awaitPromise":    true,
		"resultOwnership": "none",
		"userActivation":  true,
	}, &res)
	if err != nil {
		return nil, err
	}
	if res.Type == "exception" {
		return nil, errors.New(res.ExceptionDetails.Text)
	}
	return res.Result, nil
}

func (p *firefoxPage) evaluate(ctx context.Context, expr string) ([]byte, error) {
	v, err := p.eval(ctx, expr)
	if err != nil {
		return nil, err
	}
	return remoteJSON(v)
}

func (p *firefoxPage) screenshot(ctx context.Context, full bool) ([]byte, error) {
	origin := "viewport"
	if full {
		origin = "document"
	}
	var res struct {
		Data string `json:"data"`
	}
	if err := p.call(ctx, "browsingContext.captureScreenshot", map[string]any{"context": p.id, "origin": origin}, &res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Data)
}

func (p *firefoxPage) setFiles(ctx context.Context, selector string, paths []string) error {
	sel, _ := json.Marshal(selector)
	raw, err := p.eval(ctx, "document.querySelector("+string(sel)+")")
	if err != nil {
		return err
	}
	var node remoteValue
	if err := json.Unmarshal(raw, &node); err != nil {
		return err
	}
	if node.Type != "node" || node.SharedID == "" {
		return fmt.Errorf("no element matches %s", selector)
	}
	return p.call(ctx, "input.setFiles", map[string]any{
		"context": p.id,
		"element": map[string]any{"sharedId": node.SharedID},
		"files":   paths,
	}, nil)
}

func (p *firefoxPage) mouseMove(ctx context.Context, x, y float64) error {
	return p.call(ctx, "input.performActions", map[string]any{
		"context": p.id,
		"actions": []any{map[string]any{
			"type":       "pointer",
			"id":         "mouse",
			"parameters": map[string]any{"pointerType": "mouse"},
			"actions": []any{map[string]any{
				"type": "pointerMove", "x": int(math.Round(x)), "y": int(math.Round(y)), "origin": "viewport",
			}},
		}},
	}, nil)
}

// setViewport sets the size only: BiDi has no touch or mobile emulation.
func (p *firefoxPage) setViewport(ctx context.Context, w, h int64, mobile bool) error {
	return p.call(ctx, "browsingContext.setViewport", map[string]any{
		"context":  p.id,
		"viewport": map[string]any{"width": w, "height": h},
	}, nil)
}
