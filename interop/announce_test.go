//go:build !js

package interop

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/mqttclient"
)

// announceTimeout bounds the wait for a member's announcement to pass
// through a local relay; it takes milliseconds.
const announceTimeout = 30 * time.Second

// announceWatch is a subscription to a room's root topic on one relay; it
// reports the peer ids announced there from then on, in the relay's order.
type announceWatch struct {
	ids  chan string
	stop func()
}

// joinAnnounced runs join and returns its member once every relay of cfg
// has passed the member's announcement on (when k can watch announcements).
//
// Why: on nostr and mqtt, Trystero 0.18 answers every announcement it sees
// with an offer (protocol-0.18 §7.2, §7.3). Two peers that are both subscribed
// before either announces therefore offer each other, and two Trystero
// peers may each keep a different one of the two connections (§4.5):
// their messages are then lost for good. posthorn peers cope with that
// (they keep both and mirror sends); a pair of Trystero pages does not. So
// every member joins only after the one before it has announced and the
// relay has processed that announcement: the newcomer's subscription then
// misses the earlier, unstored (ephemeral) announcement, and only the
// earlier member offers. That makes "joins second" mean what it says, for
// every pairing.
func (k kit) joinAnnounced(t *testing.T, cfg joinConfig, join func() member) member {
	t.Helper()
	if k.watch == nil {
		return join()
	}
	urls, root := cfg.Relays, engine.RootTopic(cfg.AppID, cfg.Room)
	if k.appIsRelay {
		urls, root = []string{cfg.AppID}, cfg.Room
	}
	var ws []*announceWatch
	for _, url := range urls {
		w := k.watch(t, url, root)
		defer w.Close()
		ws = append(ws, w)
	}
	m := join()
	start := time.Now()
	timeout := time.After(announceTimeout)
	for i, w := range ws {
		for seen := false; !seen; {
			select {
			case id := <-w.Announced():
				seen = id == m.ID()
			case <-timeout:
				t.Fatalf("%s: relay %s did not pass on its announcement within %v", m.Name(), urls[i], announceTimeout)
			}
		}
	}
	t.Logf("%s: announcement passed through the relay after %v", m.Name(), time.Since(start).Round(time.Millisecond))
	return m
}

// watchNostr subscribes like a Trystero peer's root subscription (kind
// 29333, tag x = root topic, §7.2) and returns once the relay has answered
// with EOSE, i.e. the subscription is in place.
func watchNostr(t testing.TB, url, root string) *announceWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		cancel()
		t.Fatalf("watching %s: %v", url, err)
	}
	c.SetReadLimit(1 << 20)
	const subID = "posthorn-interop-watch"
	req, _ := json.Marshal([]any{"REQ", subID, map[string]any{"kinds": []int{29333}, "#x": []string{root}}})
	if err := c.Write(ctx, websocket.MessageText, req); err != nil {
		cancel()
		t.Fatalf("watching %s: %v", url, err)
	}
	w := &announceWatch{ids: make(chan string, 64), stop: func() { cancel(); c.CloseNow() }}
	eose := make(chan struct{})
	var eoseOnce sync.Once
	go func() {
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var msg []json.RawMessage
			if json.Unmarshal(data, &msg) != nil || len(msg) < 2 {
				continue
			}
			var typ string
			json.Unmarshal(msg[0], &typ)
			switch {
			case typ == "EOSE":
				eoseOnce.Do(func() { close(eose) })
			case typ == "EVENT" && len(msg) == 3:
				var ev struct {
					Content string `json:"content"`
				}
				var id string
				if json.Unmarshal(msg[2], &ev) == nil && json.Unmarshal([]byte(ev.Content), &id) == nil {
					w.deliver(ctx, id)
				}
			}
		}
	}()
	return w.ready(t, url, "no EOSE", eose)
}

// watchMQTT subscribes to the root topic (§7.3) and returns once the broker
// has acknowledged the subscription.
func watchMQTT(t testing.TB, url, root string) *announceWatch {
	t.Helper()
	c := mqttclient.Dial(url, mqttclient.Options{Logger: relayLogger(t, "watch")})
	ctx, cancel := context.WithCancel(context.Background())
	w := &announceWatch{ids: make(chan string, 64), stop: func() { cancel(); c.Close() }}
	if err := c.Subscribe(ctx, root, func(p []byte) { w.deliver(ctx, string(p)) }); err != nil {
		w.Close()
		t.Fatalf("watching %s: %v", url, err)
	}
	subscribed := make(chan struct{})
	var once sync.Once
	c.OnConnect(func(context.Context) { once.Do(func() { close(subscribed) }) })
	return w.ready(t, url, "not subscribed", subscribed)
}

// Announced delivers each announced id.
func (w *announceWatch) Announced() <-chan string { return w.ids }

// Close ends the subscription.
func (w *announceWatch) Close() { w.stop() }

// ready returns w once ready is closed; else it closes w and fails t
// after announceTimeout, saying what did not happen.
func (w *announceWatch) ready(t testing.TB, url, what string, ready <-chan struct{}) *announceWatch {
	t.Helper()
	select {
	case <-ready:
		return w
	case <-time.After(announceTimeout):
		w.Close()
		t.Fatalf("watching %s: %s within %v", url, what, announceTimeout)
		return nil
	}
}

func (w *announceWatch) deliver(ctx context.Context, id string) {
	select {
	case w.ids <- id:
	case <-ctx.Done():
	}
}
