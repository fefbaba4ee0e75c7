//go:build !js

package browser

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/browsertest"
	"github.com/posthorn/posthorn/internal/ids"

	"github.com/posthorn/posthorn/signal/torrent"
	"github.com/posthorn/posthorn/transfer"
)

// TestTargets: three pages; sends to one id, to a list, to everyone and to
// an empty list reach exactly those peers.
func TestTargets(t *testing.T) { browsertest.ForEach(t, testTargets) }

func testTargets(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p1, p2, p3 := e.page("p1"), e.page("p2"), e.page("p3")
	id1, id2, id3 := selfID(t, p1), selfID(t, p2), selfID(t, p3)
	for _, p := range []*browsertest.Page{p1, p2, p3} {
		e.join(p, "targets", "")
	}
	waitPeers(t, p1, id2, id3)
	waitPeers(t, p2, id1, id3)
	waitPeers(t, p3, id1, id2)
	for _, p := range []*browsertest.Page{p2, p3} {
		p.Eval(t, `(() => { window.got = []; room.makeAction('tgt')[1]((d, id) => got.push([d, id])); return true })()`, nil)
	}
	counts := browsertest.EvalAs[[]int](t, p1, `(async () => {
  const [send] = room.makeAction('tgt')
  return [
    (await send('to-2', `+jsString(id2)+`)).length,
    (await send('to-3', [`+jsString(id3)+`])).length,
    (await send('to-all')).length,
    (await send('to-all-null', null)).length,
    (await send('to-none', [])).length,
    (await send('to-unknown', ['nobody-has-this-id!'])).length,
    (await send('end')).length,
  ]
})()`)
	if want := []int{1, 1, 2, 2, 0, 0, 2}; !reflect.DeepEqual(counts, want) {
		t.Fatalf("send resolved with %v entries, want %v", counts, want)
	}
	// The channel is ordered: once 'end' is there, nothing else will come.
	for _, c := range []struct {
		p    *browsertest.Page
		want []string
	}{
		{p2, []string{"to-2", "to-all", "to-all-null", "end"}},
		{p3, []string{"to-3", "to-all", "to-all-null", "end"}},
	} {
		c.p.WaitFor(t, "got.some(([d]) => d === 'end')", 0)
		got := browsertest.EvalAs[[][]string](t, c.p, "got")
		var msgs []string
		for _, g := range got {
			if g[1] != id1 {
				t.Fatalf("%s: message from %s, want %s", c.p.Name, g[1], id1)
			}
			msgs = append(msgs, g[0])
		}
		if !reflect.DeepEqual(msgs, c.want) {
			t.Fatalf("%s got %v, want %v", c.p.Name, msgs, c.want)
		}
	}
}

// TestPassword: pages with the same password connect; a page with another
// one is refused (its offers fail to decrypt) and never joins, and the page
// that refused them learns it through config.onJoinError (Trystero 0.25's
// callback).
func TestPassword(t *testing.T) { browsertest.ForEach(t, testPassword) }

func testPassword(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p1, p2, p3 := e.page("p1"), e.page("p2"), e.page("p3")
	id1, id2, id3 := selfID(t, p1), selfID(t, p2), selfID(t, p3)
	const onJoinError = ", onJoinError: e => (window.joinErrors ||= []).push(e)"
	e.join(p1, "w_a_s_t_e__v_i_p", ", password: 'MuchoMaa$'"+onJoinError)
	e.join(p2, "w_a_s_t_e__v_i_p", ", password: 'MuchoMaa$'")
	e.join(p3, "w_a_s_t_e__v_i_p", ", password: 'wrong'")
	waitPeers(t, p1, id2)
	waitPeers(t, p2, id1)
	// p3's offers reached p1 and were refused.
	waitLog(t, p1, "password mismatch?")
	// ...and p1's onJoinError named p3. (The page that receives a session
	// description it cannot decrypt is the one that learns; whether p3
	// receives one depends on whose offers the tracker hands out.)
	p1.WaitFor(t, `(window.joinErrors || []).some(e => e.peerId === `+jsString(id3)+` &&
		e.appId === config.appId && e.roomId === 'w_a_s_t_e__v_i_p' &&
		e.error === 'incorrect room password when decrypting offer')`, 0)
	for _, p := range []*browsertest.Page{p1, p2} {
		if browsertest.EvalAs[bool](t, p, "peers.has("+jsString(id3)+")") {
			t.Fatalf("%s connected to the page with the wrong password", p.Name)
		}
	}
	if n := browsertest.EvalAs[int](t, p3, "peers.size"); n != 0 {
		t.Fatalf("the page with the wrong password has %d peers", n)
	}
}

// TestNativePeer: a wasm page and a native Go peer (torrent.New in this
// process) meet in one room and exchange data both ways.
func TestNativePeer(t *testing.T) { browsertest.ForEach(t, testNativePeer) }

func testNativePeer(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p := e.page("p1")
	pageID := selfID(t, p)

	goID := ids.New(ids.SelfIDLen)
	s := torrent.New(&posthorn.Options{SelfID: goID})
	t.Cleanup(s.Close)
	r, err := s.JoinRoom(context.Background(), posthorn.Config{
		AppID: "san_narciso_3d", RTCConfig: &webrtc.Configuration{}, RelayURLs: []string{e.tracker},
	}, "native")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Leave() })
	joined := make(chan string, 4)
	r.OnPeerJoin(func(id string) { joined <- id })
	act, err := r.MakeAction("mixed")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan transfer.Message, 8)
	act.OnReceive(func(m transfer.Message, from string) {
		if from == pageID {
			got <- m
		}
	})

	e.join(p, "native", "")
	p.Eval(t, `(() => {
  window.got = []
  room.makeAction('mixed')[1]((data, peerId, metadata) =>
    got.push({peerId, value: data instanceof ArrayBuffer ? bytes(data) : data, metadata}))
  return true
})()`, nil)
	waitPeers(t, p, goID)
	select {
	case id := <-joined:
		if id != pageID {
			t.Fatalf("Go peer saw %s join, want %s", id, pageID)
		}
	case <-time.After(browsertest.DefaultTimeout):
		t.Fatal("the Go peer never saw the page join")
	}

	// Go → page.
	ctx, cancel := context.WithTimeout(context.Background(), browsertest.DefaultTimeout)
	defer cancel()
	for _, v := range []struct {
		data any
		meta any
	}{
		{"from go", nil},
		{map[string]any{"n": 1}, nil},
		{[]byte{1, 2, 3}, map[string]string{"name": "bin"}},
	} {
		if err := act.Send(ctx, v.data, &posthorn.SendOptions{Meta: v.meta}); err != nil {
			t.Fatal(err)
		}
	}
	p.WaitFor(t, "got.length === 3", 0)
	gotJS := browsertest.EvalAs[[]map[string]any](t, p, "got")
	want := []map[string]any{
		{"peerId": goID, "value": "from go"},
		{"peerId": goID, "value": map[string]any{"n": 1.0}},
		{"peerId": goID, "value": []any{1.0, 2.0, 3.0}, "metadata": map[string]any{"name": "bin"}},
	}
	if !reflect.DeepEqual(gotJS, want) {
		t.Fatalf("page got %v\nwant %v", gotJS, want)
	}

	// page → Go.
	p.Eval(t, `(async () => {
  const [send] = room.makeAction('mixed')
  await send('from page')
  await send({drink: 'mezcal'})
  await send(new Uint8Array([9, 8]), null, {name: 'page-bin'})
  return true
})()`, nil)
	wantGo := []struct {
		kind transfer.Kind
		data string
		meta string
	}{
		{transfer.KindString, "from page", ""},
		{transfer.KindJSON, `{"drink":"mezcal"}`, ""},
		{transfer.KindBinary, "\x09\x08", `{"name":"page-bin"}`},
	}
	for i, w := range wantGo {
		select {
		case m := <-got:
			if m.Kind != w.kind || string(m.Data) != w.data || string(m.Meta) != w.meta {
				t.Fatalf("Go got message %d: kind %v data %q meta %s; want %v %q %s", i, m.Kind, m.Data, m.Meta, w.kind, w.data, w.meta)
			}
		case <-time.After(browsertest.DefaultTimeout):
			t.Fatalf("Go peer: message %d never arrived", i)
		}
	}

	// Ping both ways.
	if _, err := r.Ping(ctx, pageID); err != nil {
		t.Fatalf("Go pinging the page: %v", err)
	}
	if ms := browsertest.EvalAs[float64](t, p, "room.ping("+jsString(goID)+")"); ms < 0 {
		t.Fatalf("page pinging Go: %v", ms)
	}
}
