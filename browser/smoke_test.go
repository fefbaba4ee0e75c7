//go:build !js

package browser

import (
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

func TestSmoke(t *testing.T) { browsertest.ForEach(t, testSmoke) }

func testSmoke(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p1, p2 := e.page("p1"), e.page("p2")
	id1, id2 := selfID(t, p1), selfID(t, p2)
	if len(id1) != 20 || id1 == id2 {
		t.Fatalf("selfIds %q %q", id1, id2)
	}
	e.join(p1, "smoke", "")
	e.join(p2, "smoke", "")
	waitPeers(t, p1, id2)
	waitPeers(t, p2, id1)
	p1.Eval(t, `(() => { const [, get] = room.makeAction('msg'); get((d, id) => record(d, id)); return 1 })()`, nil)
	p2.Eval(t, `room.makeAction('msg')[0]('hello')`, nil)
	p1.WaitFor(t, `events.length === 1 && events[0][0] === 'hello'`, 0)
}
