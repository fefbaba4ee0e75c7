//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/internal/nip01"
)

// nostrInterval is how often a bench peer publishes to its room. Trystero
// announces once per socket (protocol-0.18 §7.2) and then sends offers and
// answers; a steady 5 s announcement is a heavier, measurable stand-in.
const nostrInterval = 5 * time.Second

// runNostrPeer subscribes to its room's root and self topics like Trystero
// and publishes a signed kind-29333 event to the root every nostrInterval;
// the content carries the send time.
func runNostrPeer(ctx context.Context, p peer) {
	keys := nip01.NewKeys()
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, p.base+"/nostr", p.ip)
		if err != nil {
			p.errs.add()
			time.Sleep(time.Second)
			continue
		}
		nostrSession(ctx, ws, p, keys)
		ws.CloseNow()
	}
}

func nostrSession(ctx context.Context, ws *websocket.Conn, p peer, keys nip01.Keys) {
	root := fmt.Sprintf("trystero/bench/room%d", p.room)
	self := fmt.Sprintf("%s/peer%d", root, p.id)
	send := func(b []byte) error {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, b)
	}
	now := time.Now().Unix()
	for i, topic := range []string{root, self} {
		send(fmt.Appendf(nil, `["REQ","%064d",{"kinds":[29333],"since":%d,"#x":[%q]}]`, p.id*2+i, now, topic))
	}
	go func() {
		t := time.NewTicker(nostrInterval)
		defer t.Stop()
		for {
			e := nip01.Event{Kind: 29333, CreatedAt: time.Now().Unix(), Tags: [][]string{{"x", root}},
				Content: strconv.Quote(strconv.FormatInt(time.Now().UnixNano(), 10))}
			if keys.Sign(&e) != nil {
				return
			}
			b, _ := e.Marshal()
			if send(append(append([]byte(`["EVENT",`), b...), ']')) != nil {
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
			var e nip01.Event
			var content string
			if json.Unmarshal(msg[2], &e) == nil && json.Unmarshal([]byte(e.Content), &content) == nil {
				if ts, err := strconv.ParseInt(content, 10, 64); err == nil {
					p.lat.since(ts)
				}
			}
		case "OK":
			if string(msg[2]) != "true" {
				p.errs.add()
			}
		}
	}
}
