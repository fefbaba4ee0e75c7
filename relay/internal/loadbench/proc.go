//go:build !js

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// relayProc is the posthorn-relay process under test.
type relayProc struct {
	cmd  *exec.Cmd
	base string // ws://127.0.0.1:port
	http string // http://127.0.0.1:port
}

// startRelay starts bin on a free loopback port with caps sized for the
// benchmark and waits until /healthz answers.
func startRelay(bin string, extra []string) (*relayProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-addr", addr, "-max-conns", "20000", "-client-ip-header", "X-Forwarded-For"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	rp := &relayProc{cmd: cmd, base: "ws://" + addr, http: "http://" + addr}
	for range 100 {
		if res, err := http.Get(rp.http + "/healthz"); err == nil {
			res.Body.Close()
			return rp, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	rp.stop()
	return nil, fmt.Errorf("relay did not come up on %s", addr)
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (rp *relayProc) stop() {
	rp.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { rp.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		rp.cmd.Process.Kill()
		<-done
	}
}

// rss reads the process's resident set from /proc.
func (rp *relayProc) rss() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", rp.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuSeconds reads the user and system CPU time the process has used.
func (rp *relayProc) cpuSeconds() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", rp.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which ends at the last ')'): utime and
	// stime are the 12th and 13th, in clock ticks (100 per second on Linux).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / 100
}

// loadAvg returns the machine's 1-minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// metric scrapes one unlabelled metric of /metrics.
func (rp *relayProc) metric(name string) int64 {
	res, err := http.Get(rp.http + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return int64(f)
		}
	}
	return -1
}

// monitor samples the relay's RSS and goroutines every 500 ms.
type monitor struct {
	rp                 *relayProc
	maxRSS, maxG, last atomic.Int64
	maxHeap, maxStack  atomic.Int64
}

func storeMax(v *atomic.Int64, x int64) {
	if x > v.Load() {
		v.Store(x)
	}
}

func newMonitor(rp *relayProc) *monitor { return &monitor{rp: rp} }

func (m *monitor) run(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.last.Store(m.rp.metric("posthorn_relay_connections_admitted"))
			storeMax(&m.maxRSS, m.rp.rss())
			storeMax(&m.maxG, m.rp.metric("go_goroutines"))
			storeMax(&m.maxHeap, m.rp.metric("go_memstats_heap_inuse_bytes"))
			storeMax(&m.maxStack, m.rp.metric("go_memstats_stack_inuse_bytes"))
		}
	}
}

func (m *monitor) peakRSS() int64        { return m.maxRSS.Load() }
func (m *monitor) peakGoroutines() int64 { return m.maxG.Load() }
func (m *monitor) conns() int64          { return m.last.Load() }
