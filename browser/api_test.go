//go:build !js

package browser

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// TestAPITwoPages drives Trystero's API between two wasm pages, with the
// seed README's snippets where it has one.
func TestAPITwoPages(t *testing.T) { browsertest.ForEach(t, testAPITwoPages) }

func testAPITwoPages(t *testing.T, k browsertest.Kind) {
	e := newEnvIn(t, k, "torrent")
	p1, p2, id1, id2 := e.twoPages("yoyodyne")

	t.Run("idempotent", func(t *testing.T) {
		same := browsertest.EvalAs[bool](t, p1, `(() => {
  const again = joinRoom(config, 'yoyodyne')
  const [a1, b1, c1] = room.makeAction('drink')
  const [a2, b2, c2] = room.makeAction('drink')
  return again === room && a1 === a2 && b1 === b2 && c1 === c2 &&
    typeof a1 === 'function' && typeof b1 === 'function' && typeof c1 === 'function'
})()`)
		if !same {
			t.Fatal("joinRoom or makeAction did not return the same objects")
		}
	})

	t.Run("errors", func(t *testing.T) {
		got := browsertest.EvalAs[map[string]string](t, p1, `(async () => {
  const sync = f => { try { f(); return 'no error' } catch (e) { return e instanceof Error ? e.message : 'not an Error: ' + e } }
  const async = async p => { try { await p; return 'no error' } catch (e) { return e instanceof Error ? e.message : 'not an Error: ' + e } }
  const [send] = room.makeAction('errs')
  return {
    empty: sync(() => room.makeAction('')),
    long: sync(() => room.makeAction('thirteen-byte')),
    undef: await async(send(undefined)),
    metaObject: await async(send(new Uint8Array(1), null, 5)),
    metaBinary: await async(send('text', null, {a: 1})),
    noConfig: sync(() => joinRoom(undefined, 'elsewhere')),
    noAppId: sync(() => joinRoom({}, 'elsewhere')),
    noNamespace: sync(() => joinRoom({appId: 'x'}, '')),
    trackerUrls: sync(() => joinRoom({appId: 'x', trackerUrls: ['ws://127.0.0.1:1/']}, 'elsewhere')),
    ping: await async(room.ping()),
  }
})()`)
		want := map[string]string{
			"empty":       "Trystero: action type argument is required",
			"long":        `Trystero: action type string "thirteen-byte" (13b) exceeds byte limit (12). Hint: choose a shorter name.`,
			"undef":       "Trystero: action data cannot be undefined",
			"metaObject":  "Trystero: action meta argument must be an object",
			"metaBinary":  "Trystero: action meta argument can only be used with binary data",
			"noConfig":    "Trystero: requires a config map as the first argument",
			"noAppId":     "Trystero: config map is missing appId field",
			"noNamespace": "Trystero: namespace argument required",
			"trackerUrls": "Trystero: trackerUrls/trackerRedundancy have been replaced by relayUrls/relayRedundancy",
			"ping":        "Trystero: ping() must be called with target peer ID",
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("errors:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("data types", func(t *testing.T) {
		p1.Eval(t, `(() => {
  window.received = []
  const [, getData] = room.makeAction('data')
  getData((data, peerId, metadata) => received.push(data instanceof ArrayBuffer
    ? {peerId, binary: bytes(data), metadata: metadata === undefined ? 'undefined' : metadata}
    : {peerId, type: typeof data, value: data, args: 2}))
  return true
})()`, nil)
		sent := browsertest.EvalAs[[]int](t, p2, `(async () => {
  const [sendData] = room.makeAction('data')
  const values = [
    'Oedipa', '', 'Courierʼs 🎺', 3.5, 0, true, false, null,
    {drink: 'negroni', withIce: true}, [1, 'x', null],
    new Uint8Array([1, 2, 3]).buffer,
    new Uint8Array([9, 8, 7, 6]).subarray(1, 3),
    new Float32Array([1.5, 2, 300]),
    new Int16Array([-1, 256]),
    new Uint8ClampedArray([7]),
    new DataView(new ArrayBuffer(2)),
    new Blob([new Uint8Array([5, 6])]),
    new Uint8Array([4, 2]),
  ]
  const lens = []
  for (const v of values) {
    const r = await sendData(v, null, v instanceof Uint8Array && v[0] === 4 ? {name: 'meta'} : undefined)
    lens.push(r.length)
  }
  return lens
})()`)
		for i, n := range sent {
			if n != 1 {
				t.Fatalf("send %d resolved with %d entries, want 1 (one peer)", i, n)
			}
		}
		p1.WaitFor(t, "received.length === 18", 0)
		got := browsertest.EvalAs[[]map[string]any](t, p1, "received")
		str := func(typ string, v any) map[string]any {
			return map[string]any{"peerId": id2, "type": typ, "value": v, "args": 2.0}
		}
		bin := func(meta any, b ...float64) map[string]any {
			if b == nil {
				b = []float64{}
			}
			return map[string]any{"peerId": id2, "binary": toAny(b), "metadata": meta}
		}
		want := []map[string]any{
			str("string", "Oedipa"), str("string", ""), str("string", "Courierʼs 🎺"),
			str("number", 3.5), str("number", 0.0), str("boolean", true), str("boolean", false),
			str("object", nil),
			str("object", map[string]any{"drink": "negroni", "withIce": true}),
			str("object", []any{1.0, "x", nil}),
			bin("undefined", 1, 2, 3),
			bin("undefined", 8, 7),
			bin("undefined", 1, 2, 44), // protocol-0.18 §5.3: element-wise, modulo 256
			bin("undefined", 255, 0),
			bin("undefined", 7),
			str("object", map[string]any{}), // a DataView is JSON "{}"
			bin("undefined", 5, 6),
			bin(map[string]any{"name": "meta"}, 4, 2),
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("message %d:\n got %v\nwant %v", i, got[i], want[i])
			}
		}
	})

	t.Run("metadata and progress", func(t *testing.T) {
		// Seed README, "Binary metadata" and "Progress updates".
		p1.Eval(t, `(() => {
  window.progress = []
  window.files = []
  const [sendFile, getFile, onFileProgress] = room.makeAction('file')
  onFileProgress((percent, peerId, metadata) =>
    console.log(`+"`${percent * 100}% done receiving ${metadata.filename} from ${peerId}`"+`)
  )
  onFileProgress((percent, peerId, metadata) => progress.push([percent, peerId, metadata]))
  getFile((data, peerId, metadata) => files.push({len: data.byteLength, sum: bytes(data).reduce((a, b) => (a * 31 + b) % 1000003, 0), peerId, metadata}))
  return true
})()`, nil)
		res := browsertest.EvalAs[map[string]any](t, p2, fmt.Sprintf(`(async () => {
  const [sendFile] = room.makeAction('file')
  const payload = new Uint8Array(100000).map((_, i) => i %% 251)
  const sum = Array.from(payload).reduce((a, b) => (a * 31 + b) %% 1000003, 0)
  const sent = []
  const r = await sendFile(
    payload,
    [%q],
    {filename: 'paranoids.flac'},
    (percent, peerId) => sent.push([percent, peerId])
  )
  return {resolved: r.length, sent, sum}
})()`, id1))
		// 100000 bytes = 1 chunk of ≤262129 bytes (chunk.Framing018Send)
		// plus the meta chunk (§5.3).
		sentProg := res["sent"].([]any)
		if len(sentProg) != 2 || !reflect.DeepEqual(sentProg[1], []any{1.0, id1}) || res["resolved"] != 1.0 {
			t.Fatalf("sender: %v", res)
		}
		p1.WaitFor(t, "files.length === 1", 0)
		files := browsertest.EvalAs[[]map[string]any](t, p1, "files")
		wantFile := map[string]any{"len": 100000.0, "sum": res["sum"], "peerId": id2, "metadata": map[string]any{"filename": "paranoids.flac"}}
		if !reflect.DeepEqual(files[0], wantFile) {
			t.Fatalf("received %v, want %v", files[0], wantFile)
		}
		prog := browsertest.EvalAs[[][]any](t, p1, "progress")
		if len(prog) != 2 {
			t.Fatalf("receiver progress: %d events, want 2: %v", len(prog), prog)
		}
		for i, ev := range prog {
			pct := ev[0].(float64)
			if ev[1] != id2 || (i > 0 && pct <= prog[i-1][0].(float64)) {
				t.Fatalf("progress event %d: %v", i, ev)
			}
			if !reflect.DeepEqual(ev[2], map[string]any{"filename": "paranoids.flac"}) {
				t.Fatalf("progress event %d has metadata %v", i, ev[2])
			}
		}
		if prog[1][0] != 1.0 {
			t.Fatalf("last progress %v, want 1", prog[1][0])
		}
	})

	t.Run("seed examples", func(t *testing.T) {
		// Seed README, "Broadcast events": drinks and names.
		p1.Eval(t, `(() => {
  window.friendId = `+jsString(id2)+`
  const [sendDrink, getDrink] = room.makeAction('drink')
  getDrink((data, peerId) =>
    console.log(
      `+"`got a ${data.drink} with${data.withIce ? '' : 'out'} ice from ${peerId}`"+`
    )
  )
  window.idsToNames = {}
  const [sendName, getName] = room.makeAction('name')
  getName((name, peerId) => (idsToNames[peerId] = name))
  return true
})()`, nil)
		p2.Eval(t, `(async () => {
  window.friendId = `+jsString(id1)+`
  const [sendDrink, getDrink] = room.makeAction('drink')

  // buy drink for a friend
  await sendDrink({drink: 'negroni', withIce: true}, friendId)

  // buy round for the house (second argument omitted)
  await sendDrink({drink: 'mezcal', withIce: false})

  const idsToNames = {}
  const [sendName, getName] = room.makeAction('name')

  // tell other peers currently in the room our name
  sendName('Oedipa')
  return true
})()`, nil)
		p1.WaitFor(t, "idsToNames["+jsString(id2)+"] === 'Oedipa'", 0)
		waitLog(t, p1, "got a negroni with ice from "+id2)
		waitLog(t, p1, "got a mezcal without ice from "+id2)
	})

	t.Run("ping", func(t *testing.T) {
		ms := browsertest.EvalAs[float64](t, p1, "room.ping("+jsString(id2)+")")
		if ms < 0 {
			t.Fatalf("ping = %v ms", ms)
		}
		p1.Eval(t, "(async peerId => console.log(`took ${await room.ping(peerId)}ms`))("+jsString(id2)+")", nil)
		waitLog(t, p1, "took ")
	})

	t.Run("getPeers and getRelaySockets", func(t *testing.T) {
		got := browsertest.EvalAs[map[string]any](t, p1, `(() => {
  const peers = room.getPeers()
  const socks = trystero.getRelaySockets()
  return {
    ids: Object.keys(peers),
    pcs: Object.values(peers).every(pc => pc instanceof RTCPeerConnection),
    state: Object.values(peers)[0]?.connectionState,
    sockets: Object.fromEntries(Object.entries(socks).map(([u, s]) => [u, [s.url, s.readyState]])),
  }
})()`)
		want := map[string]any{
			"ids": []any{id2}, "pcs": true, "state": "connected",
			"sockets": map[string]any{e.tracker: []any{e.tracker, 1.0}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v\nwant %v", got, want)
		}
	})

	t.Run("leave and rejoin", func(t *testing.T) {
		p2.Eval(t, "window.oldRoom = room; room.leave(); true", nil)
		p1.WaitFor(t, "left.includes("+jsString(id2)+") && peers.size === 0", 0)
		if n := browsertest.EvalAs[int](t, p2, "Object.keys(oldRoom.getPeers()).length"); n != 0 {
			t.Fatalf("left room still has %d peers", n)
		}
		e.join(p2, "yoyodyne", "")
		if browsertest.EvalAs[bool](t, p2, "room === oldRoom") {
			t.Fatal("joinRoom after leave returned the left room")
		}
		waitPeers(t, p1, id2)
		waitPeers(t, p2, id1)
	})
}

// waitLog waits until the page's console has a line containing s.
func waitLog(t testing.TB, p *browsertest.Page, s string) {
	t.Helper()
	p.WaitFor(t, "true", 0) // one round trip, so console events have arrived
	for range 600 {
		for _, l := range p.Logs() {
			if strings.Contains(l, s) {
				return
			}
		}
		p.WaitFor(t, "new Promise(r => setTimeout(() => r(true), 100))", 0)
	}
	t.Fatalf("%s: no console line contains %q; log:\n%s", p.Name, s, strings.Join(p.Logs(), "\n"))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func toAny(fs []float64) []any {
	out := make([]any, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out
}
