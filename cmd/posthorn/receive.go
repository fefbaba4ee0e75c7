//go:build !js

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/transfer"
)

// lingerAfterCount bounds how long receive --count stays for its peers to
// leave after the last file.
const lingerAfterCount = 10 * time.Second

type receiveEvent struct {
	Event  string `json:"event"`
	Peer   string `json:"peer"`
	Name   string `json:"name"`
	Path   string `json:"path,omitempty"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Error  string `json:"error,omitempty"`
}

// runReceive: posthorn receive ROOM [DIR] saves the files peers send
// (posthorn send, or the demo page) into DIR until Ctrl-C, or until
// --count files have been saved.
//
// A file arrives as one message (see runSend); it is written to a hidden
// temporary file in DIR and renamed to its name only once its size and
// checksum match the metadata, so a transfer that does not complete never
// leaves a file with the final name.
func runReceive(ctx context.Context, e *env, args []string) int {
	c := lookup("receive")
	f := newFlags(c, e)
	count := f.fs.Int("count", 0, "exit after saving this many files (0: run until Ctrl-C)")
	maxSize := f.fs.Int64("max-size", 1<<30, "largest file accepted from one peer, in bytes (the whole file is held in memory)")
	pos, code, ok := f.parse(args, 1, 2)
	if !ok {
		return code
	}
	out := newPrinter(f)
	dir := "."
	if len(pos) == 2 {
		dir = pos[1]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		out.errorf("%s is not a directory", dir)
		return 1
	}
	// One file is one message: the room's per-peer limits must let it
	// through (the default is 256 MiB).
	limits := posthorn.Config{Limits: transfer.Limits{MaxBytes: *maxSize + 1<<20, MaxMessage: *maxSize + 1<<20}}
	s, ok := f.join(ctx, out, pos[0], limits)
	if !ok {
		return 1
	}
	defer s.close()
	act, err := s.room.MakeAction(fileAction)
	if err != nil {
		out.errorf("%v", err)
		return 1
	}

	bs := newBars(out.barsOut)
	var (
		mu       sync.Mutex
		inflight = map[[2]string]*bar{} // by peer and file name
		saved    int
		enough   = make(chan struct{})
	)
	act.OnProgress(func(pct float64, from string, meta json.RawMessage) {
		var m fileMeta
		if json.Unmarshal(meta, &m) != nil || m.Name == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		key := [2]string{from, m.Name}
		b, ok := inflight[key]
		if !ok {
			var size int64
			if m.Size != nil {
				size = *m.Size
			}
			b = bs.add(fmt.Sprintf("%s ← %s", safeName(m.Name), short(from)), size)
			inflight[key] = b
			if out.json { // for scripts: a transfer has begun
				out.event(receiveEvent{Event: "receiving", Peer: from, Name: m.Name, Size: size}, "")
			}
		}
		b.set(pct)
	})
	act.OnReceive(func(m posthorn.Message, from string) {
		var meta fileMeta
		_ = m.DecodeMeta(&meta)
		mu.Lock()
		b := inflight[[2]string{from, meta.Name}]
		delete(inflight, [2]string{from, meta.Name})
		mu.Unlock()
		ev := receiveEvent{Event: "received", Peer: from, Name: meta.Name, Size: int64(len(m.Data)), SHA256: meta.SHA256}
		if m.Kind != transfer.KindBinary {
			b.abort()
			ev.Event, ev.Error = "rejected", "not a file (no binary data)"
			out.event(ev, "rejected a message from %s: %s", short(from), ev.Error)
			return
		}
		path, err := save(dir, m.Data, meta)
		if err != nil {
			b.abort()
			ev.Event, ev.Error = "rejected", err.Error()
			out.event(ev, "rejected %s from %s: %v", safeName(meta.Name), short(from), err)
			return
		}
		b.done()
		ev.Path = path
		sum := "no checksum sent"
		if meta.SHA256 != "" {
			sum = "sha256 ok"
		}
		out.event(ev, "received %s (%d bytes, %s) from %s", path, len(m.Data), sum, short(from))
		mu.Lock()
		saved++
		if saved == *count {
			close(enough)
		}
		mu.Unlock()
	})
	ro := follow(s.room, func(id string) { out.status("* %s joined", short(id)) }, func(id string) {
		out.status("* %s left", short(id))
		mu.Lock()
		defer mu.Unlock()
		for key, b := range inflight {
			if key[0] == id {
				b.abort()
				delete(inflight, key)
				out.event(receiveEvent{Event: "interrupted", Peer: id, Name: key[1]}, "%s from %s: interrupted, nothing saved", safeName(key[1]), short(id))
			}
		}
	})
	out.status("joined %q as %s; saving files into %s", pos[0], s.strat.SelfID(), dir)
	select {
	case <-ctx.Done():
		code = 130
	case <-enough:
		code = 0
		// A sender waits for a pong after its file to know it arrived:
		// give it time to get one and leave, rather than vanish first.
		gctx, cancel := context.WithTimeout(ctx, lingerAfterCount)
		ro.waitFor(gctx, func(n int, _ bool) bool { return n == 0 })
		cancel()
	}
	mu.Lock()
	for key, b := range inflight {
		b.abort()
		delete(inflight, key)
	}
	mu.Unlock()
	bs.wait()
	return code
}

// save checks data against meta and writes it into dir under meta's name
// (made safe, and unique), through a temporary file renamed at the end.
func save(dir string, data []byte, meta fileMeta) (string, error) {
	if meta.Size != nil && *meta.Size != int64(len(data)) {
		return "", fmt.Errorf("size %d, metadata says %d", len(data), *meta.Size)
	}
	if meta.SHA256 != "" {
		sum := sha256.Sum256(data)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), meta.SHA256) {
			return "", errors.New("sha256 does not match the metadata")
		}
	}
	name := safeName(meta.Name)
	tmp, err := os.CreateTemp(dir, "."+name+".*.partial")
	if err != nil {
		return "", err
	}
	err = tmp.Chmod(0o644) // CreateTemp's 0600 is for the partial file only
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	// Never overwrite: name, name-1, name-2...; os.Link fails if the
	// target exists, so two files of the same name cannot race.
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 0; ; i++ {
		final := filepath.Join(dir, name)
		if i > 0 {
			final = filepath.Join(dir, fmt.Sprintf("%s-%d%s", base, i, ext))
		}
		err := os.Link(tmp.Name(), final)
		if err == nil {
			os.Remove(tmp.Name())
			return final, nil
		}
		if !errors.Is(err, os.ErrExist) {
			if i == 0 { // no hard links here: rename if free
				if _, serr := os.Lstat(final); errors.Is(serr, os.ErrNotExist) {
					if rerr := os.Rename(tmp.Name(), final); rerr == nil {
						return final, nil
					}
				}
			}
			os.Remove(tmp.Name())
			return "", err
		}
	}
}

// safeName makes a peer's file name safe to create in a directory: its
// last path element, without control characters, never empty, "." or "..".
func safeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if len(name) > 200 {
		name = name[:200]
	}
	if strings.TrimSpace(name) == "" {
		return "file"
	}
	return name
}
