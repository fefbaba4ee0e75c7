//go:build !js

package interop

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/posthorn/posthorn/internal/browsertest"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuMeter returns a function that reads the CPU time used so far by b's
// browser process and all its descendants, or false when the browser's
// process is unknown.
func cpuMeter(b *browsertest.Browser) func() (time.Duration, bool) {
	root := b.Pid()
	if root == 0 {
		return func() (time.Duration, bool) { return 0, false }
	}
	return func() (time.Duration, bool) { return treeCPU(root) }
}

// treeCPU sums utime+stime over root and its descendants.
func treeCPU(root int) (time.Duration, bool) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := map[int]int{}
	cpu := map[int]time.Duration{}
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue // exited meanwhile
		}
		// The command name (field 2) is in parentheses and may hold
		// spaces; the fields after it start with the state.
		s := string(raw)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 13 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		ppid, _ := strconv.Atoi(f[1])
		utime, _ := strconv.ParseInt(f[11], 10, 64)
		stime, _ := strconv.ParseInt(f[12], 10, 64)
		parent[pid] = ppid
		cpu[pid] = time.Duration(utime+stime) * clockTick
	}
	if _, ok := cpu[root]; !ok {
		return 0, false
	}
	var total time.Duration
	for pid, d := range cpu {
		for p := pid; p != 0; p = parent[p] {
			if p == root {
				total += d
				break
			}
		}
	}
	return total, true
}
