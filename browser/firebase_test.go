//go:build !js

package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/signal/firebase"
	"github.com/posthorn/posthorn/transfer"
)

// newFirebaseEnv is newEnvFor the firebase strategy: there is no Go
// database, so the relay is npm firebase-server (scripts/npm-firebase-server)
// and e.tracker its database URL, which the pages use as their appId.
func newFirebaseEnv(t testing.TB, k browsertest.Kind) *env {
	dist := buildDist(t, k)
	db := strategytest.NodeFixture{Dir: "npm-firebase-server", Script: "server.js", Module: "firebase-server"}.Start(t)
	url := "http://" + strings.TrimSuffix(strings.TrimPrefix(db.URL, "ws://"), "/") + "?ns=posthorn"
	e := &env{t: t, kind: k, strategy: "firebase", tracker: url, restart: func() { db.Stop(); db.Start() }}
	e.b = browsertest.LaunchKind(t, k)
	e.srv = browsertest.Serve(t, dist)
	e.srv.AddFile("/test.html", []byte(strings.ReplaceAll(testPage, "STRATEGY", "firebase")))
	return e
}

// fbConfig is a page's trystero/firebase config: the database URL as appId.
func (e *env) fbConfig(extra string) string {
	return fmt.Sprintf(`{appId: %s, rtcConfig: {iceServers: []}%s}`, jsString(e.tracker), extra)
}

// fbJoin is join with fbConfig.
func (e *env) fbJoin(p *browsertest.Page, ns, extra string) {
	e.t.Helper()
	p.Eval(e.t, fmt.Sprintf(`(() => {
  window.room = joinRoom(%s, %q)
  window.peers = new Set()
  window.left = []
  room.onPeerJoin(peerId => peers.add(peerId))
  room.onPeerLeave(peerId => { peers.delete(peerId); left.push(peerId) })
  return true
})()`, e.fbConfig(extra), ns), nil)
}

// occupants is getOccupants(config, ns) from page p once its answer
// satisfies ok (a JS predicate on the id array o), sorted.
func (e *env) occupants(p *browsertest.Page, ns, ok string) []string {
	e.t.Helper()
	var out []string
	p.Eval(e.t, fmt.Sprintf(`(async () => {
  const {getOccupants} = await import('./firebase.mjs')
  for (;;) {
    const o = await getOccupants(%s, %q)
    if (%s) return o.sort()
    await new Promise(r => setTimeout(r, 100))
  }
})()`, e.fbConfig(""), ns, ok), &out)
	return out
}

// TestFirebase: posthorn/firebase in pages ('posthorn/firebase' with the
// database URL as appId) and a native peer meet in one room and talk;
// getOccupants lists the room before anyone joined, after the joins and
// after a page left; a page that is navigated away (the tab dies) is
// removed from the room by the server's onDisconnect; equal passwords meet.
func TestFirebase(t *testing.T) { browsertest.ForEach(t, testFirebase) }

func testFirebase(t *testing.T, k browsertest.Kind) {
	e := newFirebaseEnv(t, k)
	p1, p2 := e.page("p1"), e.page("p2")
	id1, id2 := selfID(t, p1), selfID(t, p2)
	if o := e.occupants(p1, "mixed", "true"); len(o) != 0 {
		t.Fatalf("occupants of the empty room: %v", o)
	}

	s := firebase.New(&posthorn.Options{})
	t.Cleanup(s.Close)
	goID := s.SelfID()
	ctx, cancel := context.WithTimeout(context.Background(), browsertest.DefaultTimeout)
	defer cancel()

	e.fbJoin(p1, "mixed", "")
	r, err := s.JoinRoom(ctx, posthorn.Config{AppID: e.tracker, RTCConfig: &webrtc.Configuration{}}, "mixed")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 8)
	act, err := r.MakeAction("hi")
	if err != nil {
		t.Fatal(err)
	}
	act.OnReceive(func(m transfer.Message, from string) { got <- from + ":" + m.String() })
	e.fbJoin(p2, "mixed", "")
	waitPeers(t, p1, id2, goID)
	waitPeers(t, p2, id1, goID)
	want := []string{id1, id2, goID}
	slices.Sort(want)
	wantJS, _ := json.Marshal(want)
	if o := e.occupants(p2, "mixed", "o.length === 3"); !slices.Equal(o, want) {
		t.Fatalf("occupants %v, want %v (%s)", o, want, wantJS)
	}

	for _, p := range []*browsertest.Page{p1, p2} {
		p.Eval(t, `room.makeAction('hi')[0]('from '+selfId, null).then(() => true)`, nil)
	}
	seen := map[string]bool{}
	for len(seen) < 2 {
		select {
		case m := <-got:
			seen[m] = true
		case <-ctx.Done():
			t.Fatalf("native peer got %v", seen)
		}
	}
	if !seen[id1+":from "+id1] || !seen[id2+":from "+id2] {
		t.Fatalf("native peer got %v", seen)
	}

	// p2 leaves: the others see it go, and so does getOccupants
	p2.Eval(t, `Promise.resolve(room.leave()).then(() => true)`, nil)
	p1.WaitFor(t, "left.includes("+jsString(id2)+")", 0)
	if o := e.occupants(p1, "mixed", "!o.includes("+jsString(id2)+")"); !slices.Equal(o, sorted(id1, goID)) {
		t.Fatalf("occupants after a leave %v", o)
	}

	// p1's tab goes away without leaving: the server removes its node
	p1.Close()
	deadline := time.Now().Add(browsertest.DefaultTimeout)
	for {
		o, err := s.GetOccupants(ctx, posthorn.Config{AppID: e.tracker}, "mixed")
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(o, []string{goID}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("occupants after the tab died: %v", o)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// a page and the native peer with the same password meet
	pw := posthorn.Config{AppID: e.tracker, Password: "correct horse", RTCConfig: &webrtc.Configuration{}}
	rp, err := s.JoinRoom(ctx, pw, "pw")
	if err != nil {
		t.Fatal(err)
	}
	joined := make(chan string, 2)
	rp.OnPeerJoin(func(id string) { joined <- id })
	e.fbJoin(p2, "pw", ", password: 'correct horse'")
	waitPeers(t, p2, goID)
	select {
	case id := <-joined:
		if id != id2 {
			t.Fatalf("native peer met %s, want %s", id, id2)
		}
	case <-ctx.Done():
		t.Fatal("native peer never met the page")
	}
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
