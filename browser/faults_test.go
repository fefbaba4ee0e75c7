//go:build !js

package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/signal/torrent"
	"github.com/posthorn/posthorn/transfer"
)

// natives are native members (this process, torrent) in the pages' rooms.
var natives = strategytest.Harness{
	New: func(t testing.TB, selfID string, log *slog.Logger) posthorn.Strategy {
		s := torrent.New(&posthorn.Options{SelfID: selfID, Logger: log})
		t.Cleanup(s.Close)
		return s
	},
	AppID: "san_narciso_3d",
}

// nativeJoin joins a native member to ns through e's relay.
func (e *env) nativeJoin(t *testing.T, ns string) *strategytest.Member {
	t.Helper()
	return strategytest.Join(t, natives, ns, posthorn.Config{RelayURLs: []string{e.tracker}})
}

// pageFileSize is what goes each way between a page and a native member in
// TestPageClosedMidTransfer: more than the native side buffers, and enough
// that the page is closed long before the native file is all out.
const pageFileSize = 64 << 20

// TestPageClosedMidTransfer: the native side holds a file from a page half
// received, starts sending the page a file, and the page is closed when a
// tenth of it is out. The native Send returns ErrPeerLeft, onPeerLeave
// fires, the page's partial file is never delivered and its memory is
// freed.
func TestPageClosedMidTransfer(t *testing.T) { browsertest.ForEach(t, testPageClosedMidTransfer) }

func testPageClosedMidTransfer(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p := e.page("p1")
	pageID := selfID(t, p)
	m := e.nativeJoin(t, "closed")
	e.join(p, "closed", "")
	waitPeers(t, p, m.ID)
	m.WaitUntil(t, "it sees the page", func(ps map[string]bool, _, _ []string) bool { return ps[pageID] })

	half, hold := make(chan struct{}), make(chan struct{})
	var once sync.Once
	m.Action("file").OnProgress(func(pct float64, from string, _ json.RawMessage) {
		if from == pageID && pct >= 0.5 {
			once.Do(func() { close(half); <-hold })
		}
	})
	p.Eval(t, fmt.Sprintf(`(() => {
  room.makeAction('file')[0](new Uint8Array(%d), null, {from: 'page'}).catch(() => {})
  return true
})()`, pageFileSize), nil)
	select {
	case <-half:
	case <-strategytest.Ctx(t).Done():
		t.Fatal("the page's file did not get half way")
	}
	// A browser takes in what it is sent fast: the page is closed as soon as
	// a tenth of the native file is out.
	data := strategytest.Pattern(pageFileSize, 5)
	tenth := make(chan struct{})
	var tenthOnce sync.Once
	sent := make(chan error, 1)
	go func() {
		sent <- m.Action("file").Send(strategytest.Ctx(t), data, &posthorn.SendOptions{
			Targets: []string{pageID},
			OnProgress: func(pct float64, _ string) {
				if pct >= 0.1 {
					tenthOnce.Do(func() { close(tenth) })
				}
			},
		})
	}()
	select {
	case <-tenth:
	case <-strategytest.Ctx(t).Done():
		t.Fatal("the native file did not get a tenth of the way")
	}
	// The page's file is held half received (its progress callback is
	// blocked) until hold closes.
	held := strategytest.TakeUsage().HeapLive
	p.Close() // as a user closing the tab: pagehide closes its connections
	closed := time.Now()
	close(hold)
	m.WaitUntil(t, "the page left", func(ps map[string]bool, _, leaves []string) bool {
		return !ps[pageID] && slices.Contains(leaves, pageID)
	})
	t.Logf("onPeerLeave %v after the page closed", time.Since(closed).Round(100*time.Millisecond))
	select {
	case err := <-sent:
		if !errors.Is(err, posthorn.ErrPeerLeft) {
			t.Fatalf("Send to the closed page returned %v, want an error wrapping posthorn.ErrPeerLeft (nil: make pageFileSize larger)", err)
		}
	case <-strategytest.Ctx(t).Done():
		t.Fatal("Send to the closed page did not return")
	}
	if r, ok := m.Unexpected("file"); ok {
		t.Fatalf("the page's partial file was delivered: %d bytes", len(r.Msg.Data))
	}
	strategytest.Eventually(t, "the partial message is freed", func() bool {
		return strategytest.TakeUsage().HeapLive+pageFileSize/4 < held
	})
	runtime.KeepAlive(data)
}

// TestMixedMesh: four native members and four pages in one room reach a
// full mesh, and every member gets a message from each of the seven others.
func TestMixedMesh(t *testing.T) { browsertest.ForEach(t, testMixedMesh) }

func testMixedMesh(t *testing.T, k browsertest.Kind) {
	const nNative, nPages = 4, 4
	e := newEnvIn(t, k, "torrent")
	var ms []*strategytest.Member
	for range nNative {
		ms = append(ms, e.nativeJoin(t, "mesh"))
	}
	var ps []*browsertest.Page
	var all []string
	for i := range nPages {
		p := e.page(fmt.Sprintf("p%d", i+1))
		ps = append(ps, p)
		all = append(all, selfID(t, p))
	}
	for _, m := range ms {
		all = append(all, m.ID)
	}
	for _, p := range ps {
		e.join(p, "mesh", "")
		p.Eval(t, `(() => { window.got = []; room.makeAction('chat')[1]((d, id) => got.push([d, id])); return true })()`, nil)
	}
	others := func(self string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == self })
	}
	for i, p := range ps {
		waitPeers(t, p, others(all[i])...)
	}
	for _, m := range ms {
		m.WaitUntil(t, "it sees all seven", func(peers map[string]bool, _, _ []string) bool {
			for _, id := range others(m.ID) {
				if !peers[id] {
					return false
				}
			}
			return true
		})
	}
	for i, p := range ps {
		p.Eval(t, `room.makeAction('chat')[0](`+jsString("hello from "+all[i])+`).then(() => true)`, nil)
	}
	for _, m := range ms {
		if err := m.Action("chat").Send(strategytest.Ctx(t), "hello from "+m.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range ps {
		p.WaitFor(t, fmt.Sprintf("got.length >= %d", len(all)-1), 0)
		var got [][]string
		p.Eval(t, "got", &got)
		checkHellos(t, p.Name, all[i], others(all[i]), got)
	}
	for _, m := range ms {
		var got [][]string
		for range len(all) - 1 {
			r := m.Recv(t, "chat")
			if r.Msg.Kind != transfer.KindString {
				t.Fatalf("%s: got kind %v", m.ID, r.Msg.Kind)
			}
			got = append(got, []string{string(r.Msg.Data), r.From})
		}
		checkHellos(t, m.ID, m.ID, others(m.ID), got)
	}
}

// checkHellos checks that got holds exactly one "hello from <id>" from
// each of from.
func checkHellos(t *testing.T, who, self string, from []string, got [][]string) {
	t.Helper()
	var senders []string
	for _, g := range got {
		if g[0] != "hello from "+g[1] {
			t.Fatalf("%s got %q from %s", who, g[0], g[1])
		}
		senders = append(senders, g[1])
	}
	slices.Sort(senders)
	want := slices.Sorted(slices.Values(from))
	if !slices.Equal(senders, want) {
		t.Fatalf("%s got hellos from %v, want %v", who, senders, want)
	}
}

// frozenFor is how long TestFrozenPageRecovers keeps the page frozen.
const frozenFor = 30 * time.Second

// TestFrozenPageRecovers: a page is frozen (CDP Page.setWebLifecycleState,
// as Chromium freezes a background tab) for 30 s next to a native member,
// then resumed; they see each other again and data flows both ways.
// Chromium only: WebDriver BiDi has no command that freezes a page, so
// Firefox cannot be put in this state from a test.
func TestFrozenPageRecovers(t *testing.T) {
	e := newEnvIn(t, browsertest.Chromium, "torrent")
	p := e.page("p1")
	pageID := selfID(t, p)
	m := e.nativeJoin(t, "frozen")
	e.join(p, "frozen", "")
	p.Eval(t, `(() => { window.got = []; room.makeAction('chat')[1]((d, id) => got.push([d, id])); return true })()`, nil)
	waitPeers(t, p, m.ID)
	m.WaitUntil(t, "it sees the page", func(ps map[string]bool, _, _ []string) bool { return ps[pageID] })

	setState := func(st page.SetWebLifecycleStateState) {
		t.Helper()
		ctx, cancel := context.WithTimeout(p.Context(), browsertest.DefaultTimeout)
		defer cancel()
		if _, err := chromedp.Call(ctx, page.SetWebLifecycleState, page.SetWebLifecycleStateParams{State: st}); err != nil {
			t.Fatalf("setWebLifecycleState %s: %v", st, err)
		}
	}
	setState(page.SetWebLifecycleStateStateFrozen)
	time.Sleep(frozenFor) // the fault itself: nothing is measured by it
	setState(page.SetWebLifecycleStateStateActive)
	resumed := time.Now()

	waitPeers(t, p, m.ID)
	m.WaitUntil(t, "it sees the page again", func(ps map[string]bool, _, _ []string) bool { return ps[pageID] })
	if err := m.Action("chat").Send(strategytest.Ctx(t), "after the freeze", nil); err != nil {
		t.Fatal(err)
	}
	p.WaitFor(t, `got.some(([d]) => d === 'after the freeze')`, 0)
	p.Eval(t, `room.makeAction('chat')[0]('thawed').then(() => true)`, nil)
	r := m.Recv(t, "chat")
	if string(r.Msg.Data) != "thawed" || r.From != pageID {
		t.Fatalf("native member got %q from %s", r.Msg.Data, r.From)
	}
	_, leaves := m.Events()
	pageLeaves := browsertest.EvalAs[[]string](t, p, "left")
	t.Logf("recovered %v after resuming; during the freeze the native side reported %d leave(s), the page %d",
		time.Since(resumed).Round(100*time.Millisecond), len(leaves), len(pageLeaves))
}
