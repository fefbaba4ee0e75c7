//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// trackerInterval is Trystero's first announce period (protocol-0.18 §7.1; it
// later settles on 120 s, which would give fewer samples).
const trackerInterval = 33 * time.Second

// sdpPad makes offers and answers the size of a real non-trickle SDP.
var sdpPad = strings.Repeat("a=candidate:0 1 udp 2122260223 192.0.2.1 50000 typ host\\r\\n", 40)

func dialWS(ctx context.Context, url, ip string, protos ...string) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"X-Forwarded-For": {ip}}, Subprotocols: protos,
	})
	if err == nil {
		ws.SetReadLimit(1 << 20)
	}
	return ws, err
}

// runTrackerPeer announces with 3 offers (one per other room member) every
// trackerInterval and answers every offer it gets, like a Trystero page;
// offers and answers carry their send time.
func runTrackerPeer(ctx context.Context, p peer) {
	for ctx.Err() == nil {
		ws, err := dialWS(ctx, p.base+"/", p.ip)
		if err != nil {
			p.errs.add()
			time.Sleep(time.Second)
			continue
		}
		trackerSession(ctx, ws, p)
		ws.CloseNow()
	}
}

func trackerSession(ctx context.Context, ws *websocket.Conn, p peer) {
	hash, self := fmt.Sprintf("room%016d", p.room), fmt.Sprintf("peer%016d", p.id)
	send := func(v any) error {
		b, _ := json.Marshal(v)
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return ws.Write(wctx, websocket.MessageText, b)
	}
	sdp := func() map[string]string {
		return map[string]string{"type": "offer", "sdp": strconv.FormatInt(time.Now().UnixNano(), 10) + " " + sdpPad}
	}
	go func() {
		t := time.NewTicker(trackerInterval)
		defer t.Stop()
		for round := 0; ; round++ {
			var offers []map[string]any
			for i := range 3 {
				offers = append(offers, map[string]any{"offer_id": fmt.Sprintf("o%05d%02d%012d", p.id%100000, i, round), "offer": sdp()})
			}
			if send(map[string]any{"action": "announce", "info_hash": hash, "peer_id": self, "numwant": 10, "offers": offers}) != nil {
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
		var m struct {
			Offer, Answer *struct{ SDP string }
			OfferID       string `json:"offer_id"`
			PeerID        string `json:"peer_id"`
			Failure       string `json:"failure reason"`
		}
		if json.Unmarshal(b, &m) != nil || m.Failure != "" {
			p.errs.add()
			continue
		}
		if x := firstOf(m.Offer, m.Answer); x != nil {
			if ts, err := strconv.ParseInt(strings.Fields(x.SDP)[0], 10, 64); err == nil {
				p.lat.since(ts)
			}
		}
		if m.Offer != nil {
			send(map[string]any{"action": "announce", "info_hash": hash, "peer_id": self, "to_peer_id": m.PeerID,
				"offer_id": m.OfferID, "answer": map[string]string{"type": "answer", "sdp": sdp()["sdp"]}})
		}
	}
}

func firstOf[T any](xs ...*T) *T {
	for _, x := range xs {
		if x != nil {
			return x
		}
	}
	return nil
}
