//go:build !js

package main

import (
	"bufio"
	"context"
	"errors"
	"io"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/transfer"
)

type pipeEvent struct {
	Event string `json:"event"`
	Peer  string `json:"peer"`
	Kind  string `json:"kind,omitempty"`
	Data  any    `json:"data,omitempty"`
}

// runPipe: posthorn pipe ROOM ACTION streams stdin to every peer on
// ACTION and writes what peers send on ACTION to stdout: each line as a
// string message, or with --raw the bytes as they come, as binary
// messages. At the end of stdin it waits until the peers have everything
// and leaves, unless --stay: then it goes on receiving until the last
// peer has left, or Ctrl-C.
func runPipe(ctx context.Context, e *env, args []string) int {
	c := lookup("pipe")
	f := newFlags(c, e)
	raw := f.fs.Bool("raw", false, "send stdin's bytes as binary messages, write received data as is (no newline added)")
	wait := f.fs.Int("peers", 1, "wait for this many peers before reading stdin")
	stay := f.fs.Bool("stay", false, "at the end of stdin, go on receiving until the last peer has left")
	pos, code, ok := f.parse(args, 2, 2)
	if !ok {
		return code
	}
	out := newPrinter(f)
	s, ok := f.join(ctx, out, pos[0], posthorn.Config{})
	if !ok {
		return 1
	}
	defer s.close()
	act, err := s.room.MakeAction(pos[1])
	if err != nil {
		out.errorf("%v", err)
		return 2
	}
	act.OnReceive(func(m posthorn.Message, from string) {
		if out.json {
			var data any = m.String()
			if m.Kind == transfer.KindBinary {
				data = m.Data // base64 in JSON
			}
			out.event(pipeEvent{"message", from, m.Kind.String(), data}, "")
			return
		}
		b := m.Data
		if !*raw {
			b = append(append(make([]byte, 0, len(b)+1), b...), '\n')
		}
		out.writeRaw(b)
	})
	ro := followAloud(s.room, out)
	out.status("joined %q as %s; waiting for %d peer(s)", pos[0], s.strat.SelfID(), *wait)
	if err := ro.waitFor(ctx, func(n int, _ bool) bool { return n >= *wait }); err != nil {
		return 130
	}

	// Messages are sent one at a time, in order, to the peers there when
	// each is sent.
	msgs := make(chan any, 16)
	readErr := make(chan error, 1)
	go func() {
		defer close(msgs)
		readErr <- readInput(ctx, e.stdin, *raw, msgs)
	}()
	for m := range msgs {
		if len(ro.list()) == 0 {
			continue // nobody to send to: Trystero drops it as well
		}
		if err := act.Send(ctx, m, nil); err != nil {
			if ctx.Err() != nil {
				return 130
			}
			if errors.Is(err, posthorn.ErrPeerLeft) {
				continue // the roster reports the leave; the others got it
			}
			out.errorf("sending: %v", err)
			return 1
		}
	}
	if err := <-readErr; err != nil {
		if ctx.Err() != nil {
			return 130
		}
		out.errorf("reading stdin: %v", err)
		return 1
	}
	if failed := flush(ctx, s.room, ro.list()); len(failed) > 0 && ctx.Err() == nil {
		out.errorf("not confirmed by %v (left or no answer)", failed)
	}
	if ctx.Err() != nil {
		return 130
	}
	if !*stay {
		return 0
	}
	if err := ro.waitFor(ctx, func(n int, seen bool) bool { return seen && n == 0 }); err != nil {
		return 130
	}
	return 0
}

// readInput reads r into msgs: lines as strings, or with raw whatever
// each read returns as []byte (at most 64 KiB).
func readInput(ctx context.Context, r io.Reader, raw bool, msgs chan<- any) error {
	put := func(m any) bool {
		select {
		case msgs <- m:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if !raw {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			if !put(sc.Text()) {
				return ctx.Err()
			}
		}
		return sc.Err()
	}
	for {
		buf := make([]byte, 64<<10)
		n, err := r.Read(buf)
		if n > 0 && !put(buf[:n]) {
			return ctx.Err()
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
