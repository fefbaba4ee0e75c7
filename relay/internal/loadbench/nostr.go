//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/internal/nip01"
)

// nostrInterval is how often a bench peer publishes to its room. Trystero
// announces once per socket (protocol-0.18 §7.2) and then sends offers and
// answers; a steady 5 s announcement is a heavier, measurable stand-in.
const nostrInterval = 5 * time.Second

// runNostrPeer subscribes to its room's root and self topics like Trystero
// and publishes a signed kind-29333 event to the root every nostrInterval.
// The events are signed before the load starts (see presignNostr): real
// peers sign on their own machines, so the bench must not spend the
// relay's cores on it. Deliveries are timed by event id (sent).
func runNostrPeer(ctx context.Context, p peer) {
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, p.base+"/nostr", p.ip)
		if err != nil {
			p.errs.add()
			time.Sleep(time.Second)
			continue
		}
		nostrSession(ctx, ws, p)
		ws.CloseNow()
	}
}

// nostrRoot is the topic of room's root, as Trystero derives it.
func nostrRoot(room int) string { return fmt.Sprintf("trystero/bench/room%d", room) }

// presignNostr signs n events for each of peers peers, spread over cores.
func presignNostr(peers, rooms, n int) [][]signedEvent {
	out := make([][]signedEvent, peers)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.NumCPU() {
		wg.Go(func() {
			for i := range next {
				keys := nip01.NewKeys()
				now := time.Now().Unix()
				for j := range n {
					e := nip01.Event{Kind: 29333, CreatedAt: now, Tags: [][]string{{"x", nostrRoot(i % rooms)}},
						Content: strconv.Quote(fmt.Sprintf("peer %d event %d", i, j))}
					if keys.Sign(&e) != nil {
						panic("loadbench: signing failed")
					}
					b := e.Marshal()
					out[i] = append(out[i], signedEvent{id: e.ID, msg: append(append([]byte(`["EVENT",`), b...), ']')})
				}
			}
		})
	}
	for i := range peers {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// signedEvent is a presigned EVENT message and its event's id.
type signedEvent struct {
	id  string
	msg []byte
}

// sentAt maps a published event's id to its send time (UnixNano).
var sentAt sync.Map

func nostrSession(ctx context.Context, ws *websocket.Conn, p peer) {
	root := nostrRoot(p.room)
	self := fmt.Sprintf("%s/peer%d", root, p.id)
	send := func(b []byte) error {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, b)
	}
	now := time.Now().Unix()
	for i, topic := range []string{root, self} {
		send(fmt.Appendf(nil, `["REQ","%064d",{"kinds":[29333],"since":%d,"#x":[%q]}]`, p.id*2+i, now-60, topic))
	}
	go func() {
		t := time.NewTicker(nostrInterval)
		defer t.Stop()
		for {
			i := int(p.next.Add(1)) - 1
			if i >= len(p.events) {
				return
			}
			ev := p.events[i]
			sentAt.Store(ev.id, time.Now().UnixNano())
			if send(ev.msg) != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				p.errs.add()
			}
			return
		}
		var msg []json.RawMessage
		if json.Unmarshal(b, &msg) != nil || len(msg) < 3 {
			continue
		}
		var typ string
		json.Unmarshal(msg[0], &typ)
		switch typ {
		case "EVENT":
			var e struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(msg[2], &e) == nil {
				if ts, ok := sentAt.Load(e.ID); ok {
					p.lat.since(ts.(int64))
				}
			}
		case "OK":
			if string(msg[2]) != "true" {
				p.errs.add()
			}
		}
	}
}
