//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"golang.org/x/term"
)

var termIsTerminal = term.IsTerminal

// printer writes a subcommand's output: results on stdout, as text or as
// JSON lines with --json, and status lines on stderr, only when a person
// is watching (stdout is a terminal) or with -v. Safe for concurrent use.
type printer struct {
	mu      sync.Mutex
	stdout  io.Writer
	stderr  io.Writer
	json    bool
	chatty  bool // status lines wanted
	barsOut io.Writer
}

func newPrinter(f *roomFlags) *printer {
	p := &printer{stdout: f.e.stdout, stderr: f.e.stderr, json: f.json}
	p.chatty = !f.json && (isTerminal(f.e.stdout) || f.verbose)
	if !f.json && isTerminal(f.e.stderr) {
		p.barsOut = f.e.stderr
	}
	return p
}

// event prints one result: v as a JSON line with --json, else text.
func (p *printer) event(v any, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		b, err := json.Marshal(v)
		if err != nil {
			b, _ = json.Marshal(map[string]string{"event": "error", "error": err.Error()})
		}
		p.stdout.Write(append(b, '\n'))
		return
	}
	fmt.Fprintf(p.stdout, format+"\n", args...)
}

// status prints a line for a person watching; scripts do not see it.
func (p *printer) status(format string, args ...any) {
	if !p.chatty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.stderr, format+"\n", args...)
}

// errorf prints an error on stderr (and as a JSON event with --json).
func (p *printer) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		b, _ := json.Marshal(map[string]string{"event": "error", "error": msg})
		p.stdout.Write(append(b, '\n'))
	}
	fmt.Fprintln(p.stderr, "posthorn:", msg)
}

// writeRaw writes b to stdout as is (pipe's data).
func (p *printer) writeRaw(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stdout.Write(b)
}
