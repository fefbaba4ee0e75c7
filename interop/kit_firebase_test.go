//go:build !js

package interop

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/rtdb"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/signal/firebase"
)

func init() {
	kits = append(kits, kit{
		// There is no Go database: npm firebase-server (with the
		// onDisconnect writes it lacks added, scripts/npm-firebase-server)
		// serves both Trystero's Firebase SDK and posthorn.
		name:  "firebase",
		jsLib: "/trystero-firebase.js",
		relay: func(t testing.TB) string {
			u := strategytest.NodeFixture{Dir: "npm-firebase-server", Script: "server.js", Module: "firebase-server"}.Start(t).URL
			// the form the Firebase SDK accepts for a local database
			return "http://" + strings.TrimSuffix(strings.TrimPrefix(u, "ws://"), "/") + "?ns=posthorn-interop"
		},
		appIsRelay: true,
		watch:      watchFirebase,
		native: func(selfID string, log *slog.Logger) joiner {
			return firebase.New(&posthorn.Options{SelfID: selfID, Logger: log})
		},
	})
}

// watchFirebase watches the room's node (<rootPath>/<room>, §7.4) and
// reports each peer whose presence node appears. A member that has written
// its node has also asked for its first read of the room, which the
// database answers in order: a member joining after that is new to it.
func watchFirebase(t testing.TB, url, room string) *announceWatch {
	t.Helper()
	c, err := rtdb.New(url, rtdb.Options{Logger: relayLogger(t, "watch")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &announceWatch{ids: make(chan string, 64), stop: func() { cancel(); c.Close() }}
	listening := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	var tree rtdb.Tree
	seen := map[string]bool{}
	c.OnConnect(func(cctx context.Context) {
		err := c.Listen(cctx, firebase.DefaultRootPath+"/"+room, func(e rtdb.Event) {
			mu.Lock()
			_ = tree.Apply(e)
			var fresh []string
			for id, v := range tree.Children() {
				if n, ok := v.(map[string]any); ok && n["_"] != nil && !seen[id] {
					seen[id] = true
					fresh = append(fresh, id)
				}
			}
			mu.Unlock()
			for _, id := range fresh {
				go w.deliver(ctx, id)
			}
		})
		if err == nil {
			once.Do(func() { close(listening) })
		}
	})
	c.Start()
	return w.ready(t, url, "not listening", listening)
}
