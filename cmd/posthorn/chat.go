//go:build !js

package main

import (
	"bufio"
	"context"
	"strings"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/transfer"
)

// chatAction is the action the demo page's chat uses (web/app.js): plain
// strings, one per message.
const chatAction = "chat"

type chatEvent struct {
	Event string `json:"event"`
	Peer  string `json:"peer"`
	Text  string `json:"text,omitempty"`
}

// runChat: posthorn chat ROOM. Lines typed (or piped) in are sent to every
// peer; lines from peers are printed. It ends at the end of input (after
// the peers have the lines) or on Ctrl-C, leaving the room either way.
func runChat(ctx context.Context, e *env, args []string) int {
	c := lookup("chat")
	f := newFlags(c, e)
	wait := f.fs.Int("peers", 0, "wait for this many peers before reading input")
	pos, code, ok := f.parse(args, 1, 1)
	if !ok {
		return code
	}
	out := newPrinter(f)
	s, ok := f.join(ctx, out, pos[0], posthorn.Config{})
	if !ok {
		return 1
	}
	defer s.close()
	out.status("joined %q as %s; type a line to send it, Ctrl-D or Ctrl-C to leave", pos[0], s.strat.SelfID())

	chat, err := s.room.MakeAction(chatAction)
	if err != nil {
		out.errorf("%v", err)
		return 1
	}
	chat.OnReceive(func(m posthorn.Message, from string) {
		if m.Kind != transfer.KindString {
			return // the demo sends strings only
		}
		out.event(chatEvent{"message", from, m.String()}, "%s: %s", short(from), printable(m.String()))
	})
	ro := follow(s.room,
		func(id string) {
			if out.json {
				out.event(chatEvent{Event: "join", Peer: id}, "")
			}
			out.status("* %s joined", short(id))
		},
		func(id string) {
			if out.json {
				out.event(chatEvent{Event: "leave", Peer: id}, "")
			}
			out.status("* %s left", short(id))
		})
	if err := ro.waitFor(ctx, func(n int, _ bool) bool { return n >= *wait }); err != nil {
		return 130
	}

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(e.stdin)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return 130
		case line, more := <-lines:
			if !more {
				flush(ctx, s.room, ro.list())
				return 0
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if len(ro.list()) == 0 {
				out.status("(nobody here yet: not sent)")
				continue
			}
			if err := chat.Send(ctx, line, nil); err != nil {
				out.errorf("sending: %v", err)
			}
		}
	}
}

// printable replaces control characters (a peer's escape sequences could
// drive the terminal) with U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, s)
}
