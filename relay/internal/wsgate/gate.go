// Package wsgate is the WebSocket front door the relay servers share: it
// answers plain HTTP with 426, refuses clients after Close, accepts the
// upgrade, tracks the live connections and lets Close wait for every handler.
// Each server keeps its own protocol logic.
package wsgate

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Gate admits WebSocket clients until Close. Create it with New.
type Gate struct {
	log       *slog.Logger
	errClosed error
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup

	mu     sync.Mutex
	closed bool
	failed error
	live   map[*websocket.Conn]struct{}
}

// New returns an open gate. errClosed is the text refused clients get after
// Close (the server's own sentinel); log receives accept failures.
func New(errClosed error, log *slog.Logger) *Gate {
	ctx, cancel := context.WithCancel(context.Background())
	return &Gate{log: log, errClosed: errClosed, ctx: ctx, cancel: cancel, live: map[*websocket.Conn]struct{}{}}
}

// Context is canceled by Close; handlers read and write under it.
func (g *Gate) Context() context.Context { return g.ctx }

// Live returns the connections accepted and not yet released.
func (g *Gate) Live() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.live)
}

// Go runs f in a goroutine that Close waits for.
func (g *Gate) Go(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}

// Fail makes the gate answer every later upgrade with 500 and err's text:
// the server behind it could not start.
func (g *Gate) Fail(err error) {
	g.mu.Lock()
	g.failed = err
	g.mu.Unlock()
}

// Accept upgrades r. A request that is no upgrade gets 426 naming what the
// endpoint serves; after Fail it gets 500, after Close 503. opts, when its
// OriginPatterns is nil, skips the origin check (InsecureSkipVerify). On
// success the caller must call release once its handler is done.
func (g *Gate) Accept(w http.ResponseWriter, r *http.Request, what string, opts *websocket.AcceptOptions) (ws *websocket.Conn, release func(), ok bool) {
	if r.Header.Get("Upgrade") == "" {
		w.Header().Set("Upgrade", "websocket")
		http.Error(w, what, http.StatusUpgradeRequired)
		return nil, nil, false
	}
	g.mu.Lock()
	if g.failed != nil {
		err := g.failed
		g.mu.Unlock()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return nil, nil, false
	}
	if g.closed {
		g.mu.Unlock()
		http.Error(w, g.errClosed.Error(), http.StatusServiceUnavailable)
		return nil, nil, false
	}
	g.wg.Add(1)
	g.mu.Unlock()

	var o websocket.AcceptOptions
	if opts != nil {
		o = *opts
	}
	o.InsecureSkipVerify = o.OriginPatterns == nil
	ws, err := websocket.Accept(w, r, &o)
	if err != nil {
		g.log.Debug("websocket accept failed", "remote", r.RemoteAddr, "err", err)
		g.wg.Done()
		return nil, nil, false
	}
	g.mu.Lock()
	if g.closed {
		// Closed during the upgrade: tell this client to reconnect too.
		g.mu.Unlock()
		ws.Close(websocket.StatusServiceRestart, "relay restarting, reconnect")
		g.wg.Done()
		return nil, nil, false
	}
	g.live[ws] = struct{}{}
	g.mu.Unlock()
	var once sync.Once
	return ws, func() {
		once.Do(func() {
			g.mu.Lock()
			delete(g.live, ws)
			g.mu.Unlock()
			g.wg.Done()
		})
	}, true
}

// closeGrace is how long Close lets handlers end by themselves after
// canceling Context (they send a close frame asking clients to reconnect and
// wait for the reply; coder/websocket waits at most 5 s for it) before it
// closes what is left at once.
const closeGrace = 6 * time.Second

// Close refuses new clients; the first call then runs stop (when not nil),
// cancels Context, waits up to closeGrace for the handlers to end, closes
// the connections still live and waits for their handlers and for Go's
// goroutines. It returns stop's error; later calls return nil.
func (g *Gate) Close(stop func() error) error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	var err error
	if stop != nil {
		err = stop()
	}
	g.cancel()
	ended := make(chan struct{})
	go func() {
		g.wg.Wait()
		close(ended)
	}()
	select {
	case <-ended:
		return err
	case <-time.After(closeGrace):
	}
	g.mu.Lock()
	live := make([]*websocket.Conn, 0, len(g.live))
	for ws := range g.live {
		live = append(live, ws)
	}
	g.mu.Unlock()
	for _, ws := range live {
		ws.CloseNow()
	}
	<-ended
	return err
}
