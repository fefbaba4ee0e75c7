//go:build !js

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/posthorn/posthorn"
)

// fileAction is the action the demo page sends and receives files on
// (web/app.js): the file as binary data with {name, type, size} metadata.
const fileAction = "file"

// fileMeta is a file's metadata: the demo's fields, plus the SHA-256 the
// receiver checks (the demo ignores it; files from the demo have none).
type fileMeta struct {
	Name   string `json:"name"`
	Type   string `json:"type,omitempty"`
	Size   *int64 `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

type sendEvent struct {
	Event  string   `json:"event"`
	Name   string   `json:"name"`
	Size   int64    `json:"size"`
	SHA256 string   `json:"sha256"`
	Peers  []string `json:"peers"`
	Failed []string `json:"failed,omitempty"`
}

// runSend: posthorn send ROOM FILE... waits for peers, sends each file
// to every peer in the room as one message, waits until the peers have
// it, and leaves. Each file is one message, as the demo and Trystero
// expect, so it is read into memory whole (Action.Send takes a []byte).
func runSend(ctx context.Context, e *env, args []string) int {
	c := lookup("send")
	f := newFlags(c, e)
	wait := f.fs.Int("peers", 1, "wait for this many peers before sending")
	pos, code, ok := f.parse(args, 2, -1)
	if !ok {
		return code
	}
	out := newPrinter(f)
	// Check every file first, so that a missing one fails before
	// joining; each is read when its turn comes.
	for _, p := range pos[1:] {
		st, err := os.Stat(p)
		if err != nil {
			out.errorf("%v", err)
			return 1
		}
		if !st.Mode().IsRegular() {
			out.errorf("%s is not a regular file", p)
			return 1
		}
	}

	s, ok := f.join(ctx, out, pos[0], posthorn.Config{})
	if !ok {
		return 1
	}
	defer s.close()
	act, err := s.room.MakeAction(fileAction)
	if err != nil {
		out.errorf("%v", err)
		return 1
	}
	ro := followAloud(s.room, out)
	out.status("joined %q as %s; waiting for %d peer(s)", pos[0], s.strat.SelfID(), *wait)
	if err := ro.waitFor(ctx, func(n int, _ bool) bool { return n >= *wait && n > 0 }); err != nil {
		return 130
	}

	status := 0
	for _, path := range pos[1:] {
		fl, err := readFile(path)
		if err != nil {
			out.errorf("%v", err)
			return 1
		}
		targets := ro.list()
		if len(targets) == 0 {
			out.errorf("%s: nobody left in the room", fl.meta.Name)
			return 1
		}
		bs := newBars(out.barsOut)
		byPeer := map[string]*bar{}
		for _, id := range targets {
			byPeer[id] = bs.add(fmt.Sprintf("%s → %s", fl.meta.Name, short(id)), *fl.meta.Size)
		}
		var mu sync.Mutex
		err = act.Send(ctx, fl.data, &posthorn.SendOptions{
			Targets: targets,
			Meta:    fl.meta,
			OnProgress: func(pct float64, id string) {
				mu.Lock()
				defer mu.Unlock()
				byPeer[id].set(pct)
			},
		})
		if errors.Is(err, posthorn.ErrPeerLeft) && ctx.Err() == nil {
			err = nil // flush reports the targets that left
		}
		var failed []string
		if err == nil {
			failed = flush(ctx, s.room, targets)
		}
		for id, b := range byPeer {
			if err == nil && !slices.Contains(failed, id) {
				b.done()
			} else {
				b.abort()
			}
		}
		bs.wait()
		if err != nil {
			if ctx.Err() != nil {
				return 130
			}
			out.errorf("sending %s: %v", path, err)
			return 1
		}
		ok := slices.DeleteFunc(slices.Clone(targets), func(id string) bool { return slices.Contains(failed, id) })
		ev := sendEvent{"sent", fl.meta.Name, *fl.meta.Size, fl.meta.SHA256, ok, failed}
		if len(failed) > 0 {
			status = 1
			out.errorf("%s: not delivered to %v (left or no answer)", fl.meta.Name, failed)
		}
		if len(ok) > 0 {
			out.event(ev, "sent %s (%d bytes, sha256 %s) to %d peer(s)", fl.meta.Name, *fl.meta.Size, fl.meta.SHA256[:12], len(ok))
		}
	}
	return status
}

// file is one file to send: its content and metadata.
type file struct {
	data []byte
	meta fileMeta
}

func readFile(path string) (file, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return file{}, err
	}
	sum := sha256.Sum256(data)
	size := int64(len(data))
	name := filepath.Base(path)
	typ := mime.TypeByExtension(filepath.Ext(name))
	if typ == "" {
		typ = "application/octet-stream"
	}
	return file{data, fileMeta{Name: name, Type: typ, Size: &size, SHA256: hex.EncodeToString(sum[:])}}, nil
}
