//go:build !js

package interop

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

var benchFloor = flag.Bool("floor", true, "BenchmarkVsTrystero: also run the bare-channel floor rows (JS against Go wasm, no library)")

// The floor rows' two kinds, in the places of the two libraries: JS pages
// and pages running interop/floorwasm.
const (
	floorJS = libTrystero
	floorGo = libPosthorn
)

var floorKinds = [2]string{"js", "go"}

// Floor message sizes: Trystero 0.18's chunk and posthorn's in 0.18 rooms
// (Chromium's largest).
const (
	floorSmall = 16 << 10
	floorLarge = 256 << 10
)

// floorSetup builds interop/floorwasm and serves it at /floor.wasm, next to
// the wasm_exec.js that dist/ already serves.
func (bc *benchRun) floorSetup(b *testing.B) {
	b.Helper()
	out := filepath.Join(b.TempDir(), "floor.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./floorwasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building the floor wasm: %v\n%s", err, msg)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	bc.s.AddFile("/floor.wasm", wasm)
}

// floorRound runs one round of the floor trials, in order.
func (bc *benchRun) floorRound(b *testing.B, r int, order []int) {
	for _, kind := range order {
		bc.floorRun(b, r, kind, "offers", func(b *testing.B) {
			p := bc.barePage(b, "offers", kind)
			bc.res.add("floor offers", kind, r, browsertest.EvalAs[float64](b, p, fmt.Sprintf("B.bareOffers(%q, 10)", floorKinds[kind])))
		})
	}
	for _, kind := range order {
		bc.floorRun(b, r, kind, "ping", func(b *testing.B) {
			x, y := bc.barePair(b, kind)
			y.Eval(b, fmt.Sprintf("B.bareEcho(%q)", floorKinds[kind]), nil)
			rtts := browsertest.EvalAs[[]float64](b, x, fmt.Sprintf("B.barePings(%q, 20)", floorKinds[kind]))
			bc.res.add("floor ping", kind, r, median(rtts))
			tracePings(b, x, y)
		})
	}
	size := *benchSizeMiB << 20
	for _, msg := range []int{floorSmall, floorLarge} {
		for _, kind := range order {
			bc.floorRun(b, r, kind, fmt.Sprintf("transfer-%dk", msg>>10), func(b *testing.B) {
				mbps, cpu := bc.bareTransfer(b, kind, size, msg)
				bc.res.add(fmt.Sprintf("floor transfer %dk", msg>>10), kind, r, mbps)
				if cpu <= 0 {
					return
				}
				bc.res.add(fmt.Sprintf("floor cpu %dk", msg>>10), kind, r, cpu)
				// JS at Trystero's message size against Go at posthorn's.
				if (kind == floorJS) == (msg == floorSmall) {
					bc.res.add("floor cpu js16k go256k", kind, r, cpu)
				}
			})
		}
	}
}

func (bc *benchRun) floorRun(b *testing.B, round, kind int, what string, f func(b *testing.B)) {
	b.Run(fmt.Sprintf("floor-%s/%s/round%d", what, floorKinds[kind], round+1), f)
}

// barePage opens a bench page that runs kind's floor.
func (bc *benchRun) barePage(b *testing.B, name string, kind int) *browsertest.Page {
	b.Helper()
	p := bc.b.NewNamedPage(b, "floor-"+floorKinds[kind]+"-"+name, bc.s.URL+"/bench.html")
	p.WaitFor(b, "window.B", 0)
	if *benchTracePing {
		browsertest.EvalAs[bool](b, p, "B.channelTraceOn()")
	}
	if kind == floorGo {
		browsertest.EvalAs[bool](b, p, fmt.Sprintf("B.loadFloorGo(%q, %q)", "/"+wasmDir+"/wasm_exec.js", "/floor.wasm"))
	}
	return p
}

// barePair opens two pages of kind and connects them by one data channel,
// carrying the offer and answer itself.
func (bc *benchRun) barePair(b *testing.B, kind int) (x, y *browsertest.Page) {
	b.Helper()
	x, y = bc.barePage(b, "x", kind), bc.barePage(b, "y", kind)
	offer := browsertest.EvalAs[string](b, x, "B.bareOffer()")
	answer := browsertest.EvalAs[string](b, y, fmt.Sprintf("B.bareAnswer(%q)", offer))
	browsertest.EvalAs[bool](b, x, fmt.Sprintf("B.bareAccept(%q)", answer))
	y.WaitFor(b, "B.dc && B.dc.readyState === 'open'", 0)
	return x, y
}

// bareTransfer sends size bytes in messages of msg bytes between two pages
// of kind and returns the MB/s and the browser's CPU ms per MiB (0 if it
// cannot be read).
func (bc *benchRun) bareTransfer(b *testing.B, kind, size, msg int) (float64, float64) {
	b.Helper()
	x, y := bc.barePair(b, kind)
	k := floorKinds[kind]
	browsertest.EvalAs[bool](b, y, fmt.Sprintf("B.bareReceive(%q, %d)", k, size))
	cpu0, okCPU := bc.cpu()
	at := browsertest.EvalAs[float64](b, x, fmt.Sprintf("B.bareSend(%q, %d, %d)", k, size, msg))
	y.WaitFor(b, "B.bareGot !== null", 5*time.Minute)
	cpu1, _ := bc.cpu()
	got := browsertest.EvalAs[float64](b, y, "B.bareGot")
	mbps := float64(size) / 1e6 / ((got - at) / 1000)
	if !okCPU {
		return mbps, 0
	}
	return mbps, perMiB(cpu1-cpu0, size)
}
