//go:build !js

package main

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/posthorn/posthorn"
)

type peerEvent struct {
	Event  string  `json:"event"`
	Peer   string  `json:"peer"`
	PingMS float64 `json:"ping_ms,omitempty"`
	Error  string  `json:"error,omitempty"`
}

// runPeers: posthorn peers ROOM joins, waits a moment for the peers to
// connect (--wait, or until --peers have), pings each, prints one line per
// peer and leaves.
func runPeers(ctx context.Context, e *env, args []string) int {
	c := lookup("peers")
	f := newFlags(c, e)
	wait := f.fs.Duration("wait", 5*time.Second, "how long to wait for peers to connect")
	want := f.fs.Int("peers", 0, "stop waiting as soon as this many peers are connected (0: wait the whole --wait)")
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
	ro := follow(s.room, nil, nil)
	out.status("joined %q as %s; waiting %v for peers", pos[0], s.strat.SelfID(), *wait)
	wctx, cancel := context.WithTimeout(ctx, *wait)
	ro.waitFor(wctx, func(n int, _ bool) bool { return *want > 0 && n >= *want })
	cancel()
	if ctx.Err() != nil {
		return 130
	}
	ids := ro.list()
	evs := make([]peerEvent, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			evs[i] = peerEvent{Event: "peer", Peer: id}
			if rtt, err := s.room.Ping(pctx, id); err != nil {
				evs[i].Error = err.Error()
			} else {
				evs[i].PingMS = float64(rtt.Microseconds()) / 1000
			}
		}()
	}
	wg.Wait()
	sort.Slice(evs, func(i, j int) bool { return evs[i].Peer < evs[j].Peer })
	if len(evs) == 0 {
		out.status("nobody here")
	}
	for _, ev := range evs {
		if ev.Error != "" {
			out.event(ev, "%s  no answer (%s)", ev.Peer, ev.Error)
		} else {
			out.event(ev, "%s  %.1f ms", ev.Peer, ev.PingMS)
		}
	}
	return 0
}
