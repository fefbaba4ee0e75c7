//go:build !js

package interop

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// BenchmarkVsTrystero runs posthorn's wasm build and real trystero@0.18.0
// side by side in one browser and prints one table of medians and
// per-round ratios (scripts/bench-browser, `make bench-browser`). Every
// trial opens a fresh pair of pages; rounds interleave the two libraries,
// alternating which goes first. It reports and asserts nothing about time.
//
//	-rounds N         rounds (default 5)
//	-bench-browser B  the browser, chromium or firefox (default $POSTHORN_BROWSER, else chromium)
//	-size-mib N       the transfer size (default 32)
//	-trace-join       log each join page's RTCPeerConnection and WebSocket events
//	-profile-join D   write a CPU profile of each join's pages into folder D
//	-trace-ping       split each ping round trip into its hops
//	-floor=false      leave out the bare-channel floor rows (benchfloor_test.go)
func BenchmarkVsTrystero(b *testing.B) {
	kind, err := browsertest.ParseKind(*benchBrowser)
	if err != nil {
		b.Fatal(err)
	}
	br := browsertest.LaunchKind(b, kind)
	s := site(b)
	s.Isolate() // microsecond performance.now for the ping and join times
	script, err := os.ReadFile(filepath.Join("js", "bench.js"))
	if err != nil {
		b.Fatal(err)
	}
	s.AddFile("/bench.js", script)
	s.AddFile("/bench.html", []byte(benchHTML))
	bc := &benchRun{b: br, s: s, relays: map[string]string{}, libs: map[string][2]string{}, cpu: cpuMeter(br)}
	for _, k := range kits {
		if slices.Contains(benchStrategies, k.name) {
			bc.relays[k.name] = k.relay(b)
			bc.libs[k.name] = [2]string{k.jsLib, posthornLib(b, k.wasmName())}
		}
	}
	res := newResults()
	bc.res = res
	if *benchFloor {
		bc.floorSetup(b)
	}
	size := *benchSizeMiB << 20
	for r := range *benchRounds {
		bc.round = r
		// Even rounds run Trystero first, odd rounds posthorn first.
		order := []int{libTrystero, libPosthorn}
		if r%2 == 1 {
			order = []int{libPosthorn, libTrystero}
		}
		for _, strategy := range benchStrategies {
			for _, lib := range order {
				bc.run(b, r, strategy, lib, "staggered", func(b *testing.B) {
					a, start := bc.page(b, "A", lib, strategy)
					res.add("start "+strategy, lib, r, start)
					bc.join(b, a, strategy, fmt.Sprintf("stag-%s-%d-%d", strategy, r, lib))
					time.Sleep(1500 * time.Millisecond)
					p, _ := bc.page(b, "B", lib, strategy)
					stop := profileJoin(b, p, "B")
					bc.join(b, p, strategy, fmt.Sprintf("stag-%s-%d-%d", strategy, r, lib))
					res.add("staggered join "+strategy, lib, r, joinedMS(b, p))
					stop()
					printTrace(b, "B", p)
					printTrace(b, "A", a)
				})
			}
			for _, lib := range order {
				bc.run(b, r, strategy, lib, "simultaneous", func(b *testing.B) {
					a, start := bc.page(b, "A", lib, strategy)
					res.add("start "+strategy, lib, r, start)
					p, _ := bc.page(b, "B", lib, strategy)
					room := fmt.Sprintf("simul-%s-%d-%d", strategy, r, lib)
					stopA, stopB := profileJoin(b, a, "A"), profileJoin(b, p, "B")
					var wg sync.WaitGroup
					errs := make([]error, 2)
					for i, pg := range []*browsertest.Page{a, p} {
						wg.Go(func() { errs[i] = bc.joinAsync(pg, strategy, room) })
					}
					wg.Wait()
					for _, err := range errs {
						if err != nil {
							b.Fatal(err)
						}
					}
					res.add("simultaneous join "+strategy, lib, r, max(joinedMS(b, a), joinedMS(b, p)))
					stopA()
					stopB()
					printTrace(b, "A", a)
					printTrace(b, "B", p)
				})
			}
		}
		for _, lib := range order {
			bc.run(b, r, "torrent", lib, "ping", func(b *testing.B) {
				x, y, _, yID := bc.pair(b, lib, lib)
				rtts := browsertest.EvalAs[[]float64](b, x, fmt.Sprintf("B.pings(%q, 20)", yID))
				res.add("ping", lib, r, median(rtts))
				tracePings(b, x, y)
			})
		}
		if *benchFloor {
			bc.floorRound(b, r, order)
		}
		// Transfers: each library to itself, then the mixed pairs (their
		// ratios are against Trystero ↔ Trystero of the same round).
		for _, lib := range order {
			bc.run(b, r, "torrent", lib, "transfer", func(b *testing.B) {
				mbps, cpu := bc.transfer(b, lib, lib, size)
				res.add("transfer", lib, r, mbps)
				if cpu > 0 {
					res.add("cpu", lib, r, cpu)
				}
			})
		}
		for _, dir := range [][2]int{{libPosthorn, libTrystero}, {libTrystero, libPosthorn}} {
			name := [2]string{"posthorn-to-trystero", "trystero-to-posthorn"}[dir[0]]
			bc.run(b, r, "torrent", libPosthorn, name, func(b *testing.B) {
				mbps, _ := bc.transfer(b, dir[0], dir[1], size)
				res.add(name, libPosthorn, r, mbps)
			})
		}
	}
	// Receiver memory over ten transfers in a row, once per library.
	mem := map[int][]memory{}
	for _, lib := range []int{libTrystero, libPosthorn} {
		bc.run(b, 0, "torrent", lib, "memory", func(b *testing.B) {
			bc.transferMem(b, lib, size, 10, func(m memory) { mem[lib] = append(mem[lib], m) })
		})
	}
	res.print(os.Stdout, *benchSizeMiB, mem)
}

var (
	benchRounds  = flag.Int("rounds", 5, "BenchmarkVsTrystero: rounds")
	benchBrowser = flag.String("bench-browser", cmp.Or(os.Getenv(browsertest.BrowserEnv), string(browsertest.Chromium)),
		"BenchmarkVsTrystero: browser to run, chromium or firefox (default $"+browsertest.BrowserEnv+", else chromium)")
	benchSizeMiB   = flag.Int("size-mib", 32, "BenchmarkVsTrystero: transfer size in MiB")
	benchTraceJoin = flag.Bool("trace-join", false, "BenchmarkVsTrystero: log each join page's RTCPeerConnection and WebSocket events")
)

// benchStrategies are the strategies of the start and join rows.
var benchStrategies = []string{"torrent", "nostr", "mqtt"}

// The two libraries, as indexes into kit-independent pairs.
const (
	libTrystero = 0
	libPosthorn = 1
)

var libNames = [2]string{"trystero", "posthorn"}

// benchHTML is a bench page: bench.js only; B.load imports the library.
const benchHTML = `<!doctype html>
<meta charset="utf-8">
<title>posthorn bench</title>
<script type="module" src="/bench.js"></script>
<body></body>
`

// benchRun is what the trials of one run share.
type benchRun struct {
	b      *browsertest.Browser
	s      *browsertest.Server
	relays map[string]string    // strategy → relay URL
	libs   map[string][2]string // strategy → module URL path per library
	cpu    func() (time.Duration, bool)
	res    *results
	round  int // the round being run
}

// run runs one trial as a sub-benchmark, so that its pages close when it
// ends.
func (bc *benchRun) run(b *testing.B, round int, strategy string, lib int, what string, f func(b *testing.B)) {
	b.Run(fmt.Sprintf("%s/%s/%s/round%d", what, strategy, libNames[lib], round+1), f)
}

// page opens a bench page, imports lib's strategy module and returns the
// page with the milliseconds the import took.
func (bc *benchRun) page(b *testing.B, name string, lib int, strategy string) (*browsertest.Page, float64) {
	b.Helper()
	p := bc.b.NewNamedPage(b, libNames[lib]+"-"+name, bc.s.URL+"/bench.html")
	p.WaitFor(b, "window.B", 0)
	if *benchTraceJoin {
		browsertest.EvalAs[bool](b, p, "B.traceOn()")
	}
	if *benchTracePing {
		browsertest.EvalAs[bool](b, p, "B.channelTraceOn()")
	}
	l := browsertest.EvalAs[struct {
		MS            float64 `json:"ms"`
		InstantiateMS float64 `json:"instantiateMs"`
	}](b, p, fmt.Sprintf("B.load(%q)", bc.libs[strategy][lib]))
	if lib == libPosthorn {
		bc.res.add("instantiate "+strategy, lib, bc.round, l.InstantiateMS)
	}
	return p, l.MS
}

func (bc *benchRun) config(strategy string) string {
	return string(mustJSON(map[string]any{
		"appId":     appID,
		"relayUrls": []string{bc.relays[strategy]},
		"rtcConfig": map[string]any{"iceServers": []any{}},
	}))
}

// join joins p to room and returns its selfId.
func (bc *benchRun) join(b *testing.B, p *browsertest.Page, strategy, room string) string {
	b.Helper()
	return browsertest.EvalAs[string](b, p, fmt.Sprintf("B.join(%s, %q)", bc.config(strategy), room))
}

// joinAsync is join for any goroutine.
func (bc *benchRun) joinAsync(p *browsertest.Page, strategy, room string) error {
	ctx, cancel := context.WithTimeout(context.Background(), browsertest.DefaultTimeout)
	defer cancel()
	return p.Evaluate(ctx, fmt.Sprintf("B.join(%s, %q)", bc.config(strategy), room), nil)
}

// printTrace logs the events B.traceOn recorded on p (-trace-join), in ms
// since p's joinRoom call.
func printTrace(b *testing.B, name string, p *browsertest.Page) {
	b.Helper()
	if !*benchTraceJoin {
		return
	}
	time.Sleep(300 * time.Millisecond) // let the last events of the join land
	var sb strings.Builder
	for _, e := range browsertest.EvalAs[[][3]any](b, p, "B.trace") {
		fmt.Fprintf(&sb, "%s %s %7v %v %v\n", b.Name(), name, e[0], e[1], e[2])
	}
	fmt.Fprint(os.Stderr, sb.String()) // b.Log truncates a benchmark's log
}

// joinedMS waits for p's first onPeerJoin and returns the milliseconds from
// its joinRoom call.
func joinedMS(b *testing.B, p *browsertest.Page) float64 {
	b.Helper()
	p.WaitFor(b, "B.joined.length > 0", 2*time.Minute)
	return browsertest.EvalAs[float64](b, p, "B.joined[0].ms")
}

// pair opens pages of libraries x and y on the torrent strategy, joins x
// then y to a fresh room and waits until each sees the other.
func (bc *benchRun) pair(b *testing.B, x, y int) (px, py *browsertest.Page, idx, idy string) {
	b.Helper()
	room := fmt.Sprintf("pair-%d", time.Now().UnixNano())
	px, _ = bc.page(b, "x", x, "torrent")
	py, _ = bc.page(b, "y", y, "torrent")
	idx = bc.join(b, px, "torrent", room)
	idy = bc.join(b, py, "torrent", room)
	joinedMS(b, px)
	joinedMS(b, py)
	return px, py, idx, idy
}

// transfer sends size bytes from a page of library from to one of library
// to and returns the MB/s and, if the browser's CPU time can be read, the
// CPU milliseconds per MiB (0 if not).
func (bc *benchRun) transfer(b *testing.B, from, to, size int) (float64, float64) {
	b.Helper()
	px, py, _, _ := bc.pair(b, from, to)
	rates, cpu := bc.sendN(b, px, py, size, 1, nil)
	return rates[0], cpu
}

// transferMem sends size bytes n times between two pages of lib and
// reports the receiver's memory after each transfer.
func (bc *benchRun) transferMem(b *testing.B, lib, size, n int, each func(memory)) {
	b.Helper()
	px, py, _, _ := bc.pair(b, lib, lib)
	bc.sendN(b, px, py, size, n, func() {
		each(browsertest.EvalAs[memory](b, py, "B.memory()"))
	})
}

// sendN sends size bytes n times from px to py and returns each transfer's
// MB/s and the CPU milliseconds per MiB of the first; after, if set, runs
// after each transfer.
func (bc *benchRun) sendN(b *testing.B, px, py *browsertest.Page, size, n int, after func()) ([]float64, float64) {
	px.Eval(b, fmt.Sprintf("B.prepare(%d)", size), nil)
	var rates []float64
	cpuPerMiB := 0.0
	for i := range n {
		cpu0, okCPU := bc.cpu()
		at := browsertest.EvalAs[float64](b, px, "B.sendBig()")
		py.WaitFor(b, fmt.Sprintf("B.got.length > %d", i), 5*time.Minute)
		cpu1, _ := bc.cpu()
		got := browsertest.EvalAs[struct {
			Len int     `json:"len"`
			At  float64 `json:"at"`
		}](b, py, fmt.Sprintf("B.got[%d]", i))
		if got.Len != size {
			b.Fatalf("received %d bytes, want %d", got.Len, size)
		}
		rates = append(rates, float64(size)/1e6/((got.At-at)/1000))
		if i == 0 && okCPU {
			cpuPerMiB = perMiB(cpu1-cpu0, size)
		}
		if after != nil {
			after()
		}
	}
	return rates, cpuPerMiB
}

// perMiB is CPU time d spent moving size bytes, in ms per MiB.
func perMiB(d time.Duration, size int) float64 {
	return float64(d.Milliseconds()) / (float64(size) / (1 << 20))
}

// memory is bench.js's B.memory().
type memory struct {
	Wasm float64 `json:"wasm"`
	JS   float64 `json:"js"`
}

// results holds every sample: row → library → per-round samples.
type results struct {
	mu   sync.Mutex
	rows map[string]*[2]map[int][]float64
}

func newResults() *results { return &results{rows: map[string]*[2]map[int][]float64{}} }

func (r *results) add(row string, lib, round int, v float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	x := r.rows[row]
	if x == nil {
		x = &[2]map[int][]float64{{}, {}}
		r.rows[row] = x
	}
	x[lib][round] = append(x[lib][round], v)
}

// perRound returns lib's samples of row, one per round (the median of the
// round's samples), keyed by round.
func (r *results) perRound(row string, lib int) map[int]float64 {
	out := map[int]float64{}
	if x := r.rows[row]; x != nil {
		for round, vs := range x[lib] {
			out[round] = median(vs)
		}
	}
	return out
}

// print writes the libraries' table (posthorn ÷ Trystero), the floor's (Go
// ÷ JS) and the receivers' memory over ten transfers.
func (r *results) print(w *os.File, sizeMiB int, mem map[int][]memory) {
	rows := []tableRow{}
	for _, s := range benchStrategies {
		rows = append(rows, tableRow{"start " + s, "import → joinRoom callable, " + s, "ms", ""})
	}
	for _, s := range benchStrategies {
		rows = append(rows, tableRow{"instantiate " + s, "of which fetch, compile and instantiate the wasm, " + s, "ms", ""})
	}
	for _, s := range benchStrategies {
		rows = append(rows, tableRow{"staggered join " + s, "staggered join (B 1.5 s after A), B's joinRoom → onPeerJoin, " + s, "ms", ""})
	}
	for _, s := range benchStrategies {
		rows = append(rows, tableRow{"simultaneous join " + s, "simultaneous join, slower side, " + s, "ms", ""})
	}
	rows = append(rows,
		tableRow{"ping", "ping round trip (median of 20)", "ms", ""},
		tableRow{"transfer", fmt.Sprintf("%d MiB through one action, same library both ends", sizeMiB), "MB/s", ""},
		tableRow{"cpu", "browser CPU per MiB moved (all browser processes)", "ms", ""},
		tableRow{"posthorn-to-trystero", fmt.Sprintf("%d MiB, posthorn sends, Trystero receives", sizeMiB), "MB/s", "transfer"},
		tableRow{"trystero-to-posthorn", fmt.Sprintf("%d MiB, Trystero sends, posthorn receives", sizeMiB), "MB/s", "transfer"},
	)
	r.table(w, "| metric | trystero 0.18.0 | posthorn | ratio | per round |", rows)
	r.table(w, "| floor: a bare data channel, no library | JS pages | Go wasm pages | ratio | per round |", []tableRow{
		{"floor offers", "ten offers made, applied and gathered on a fresh page (a torrent join's announce)", "ms", ""},
		{"floor ping", "ping round trip (median of 20), 16-byte messages", "ms", ""},
		{"floor transfer 16k", fmt.Sprintf("%d MiB in 16 KiB messages", sizeMiB), "MB/s", ""},
		{"floor transfer 256k", fmt.Sprintf("%d MiB in 256 KiB messages", sizeMiB), "MB/s", ""},
		{"floor cpu 16k", "browser CPU per MiB, 16 KiB messages", "ms", ""},
		{"floor cpu 256k", "browser CPU per MiB, 256 KiB messages", "ms", ""},
		{"floor cpu js16k go256k", "browser CPU per MiB, JS at 16 KiB (Trystero's) against Go at 256 KiB (posthorn's)", "ms", ""},
	})
	for _, lib := range []int{libTrystero, libPosthorn} {
		ms := mem[lib]
		if len(ms) == 0 {
			continue
		}
		var parts []string
		for _, m := range ms {
			if lib == libPosthorn {
				parts = append(parts, fmt.Sprintf("%.0f", m.Wasm/(1<<20)))
			} else {
				parts = append(parts, fmt.Sprintf("%.0f", m.JS/(1<<20)))
			}
		}
		what := "JS heap in use"
		if lib == libPosthorn {
			what = "wasm linear memory"
		}
		fmt.Fprintf(w, "\n%s receiver, %s after each of %d %d MiB transfers (MiB): %s\n", libNames[lib], what, len(ms), sizeMiB, strings.Join(parts, " "))
	}
}

// tableRow is one row of a printed table: its results key, its label, its
// unit, and the key of its baseline's row if not its own.
type tableRow struct{ key, label, unit, vs string }

// table prints rows under header: for each row the medians over rounds,
// the ratio of the medians (second column's library ÷ first) and every
// round's ratio. Rows without samples are left out, and so is a table
// without any.
func (r *results) table(w *os.File, header string, rows []tableRow) {
	if !slices.ContainsFunc(rows, func(rw tableRow) bool { return len(r.perRound(rw.key, libPosthorn)) > 0 }) {
		return
	}
	fmt.Fprintf(w, "\n%s\n|---|---|---|---|---|\n", header)
	for _, rw := range rows {
		base := rw.key
		if rw.vs != "" {
			base = rw.vs
		}
		t := r.perRound(base, libTrystero)
		p := r.perRound(rw.key, libPosthorn)
		if len(p) == 0 {
			continue
		}
		var tv, pv []float64
		var each []string
		for round := range *benchRounds {
			tr, ok1 := t[round]
			pr, ok2 := p[round]
			if ok1 {
				tv = append(tv, tr)
			}
			if ok2 {
				pv = append(pv, pr)
			}
			switch {
			case ok1 && ok2 && tr > 0:
				each = append(each, fmt.Sprintf("%.2f", pr/tr))
			case ok2 && len(t) == 0: // a posthorn-only row: its values
				each = append(each, fmt.Sprintf("%.0f", pr))
			}
		}
		tm, pm := median(tv), median(pv)
		ratio, tcol := "—", "—"
		if tm > 0 {
			ratio = fmt.Sprintf("×%.2f", pm/tm)
			tcol = fmt.Sprintf("%.1f %s", tm, rw.unit)
		}
		fmt.Fprintf(w, "| %s | %s | %.1f %s | %s | %s |\n", rw.label, tcol, pm, rw.unit, ratio, strings.Join(each, " "))
	}
}

// median returns the median of vs (0 for none).
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
