package relay

import (
	"net"
	"net/http"
	"strings"
	"sync"
)

// Connection caps. Each WebSocket holds a goroutine or two, its buffers and
// up to its service's send-queue cap, so the caps are what bound the relay's
// memory as a whole.
const (
	// DefaultMaxConns bounds the WebSockets of all services together.
	DefaultMaxConns = 4096
	// DefaultMaxConnsPerIP bounds the WebSockets from one client address. A
	// Trystero page opens one socket per tracker and Nostr relay and one per
	// room on MQTT (protocol-0.18 §7); 32 leaves room for a few tabs and for
	// households behind one NAT.
	DefaultMaxConnsPerIP = 32
)

// admission counts live WebSockets, globally and per client address.
type admission struct {
	max, perIP int
	header     string

	mu    sync.Mutex
	total int
	byIP  map[string]int
}

func newAdmission(max, perIP int, header string) *admission {
	return &admission{max: max, perIP: perIP, header: header, byIP: map[string]int{}}
}

// clientIP is the request's client address: the last entry of the
// configured header (what the trusted proxy in front appended), else the
// TCP peer's address.
func (a *admission) clientIP(r *http.Request) string {
	if a.header != "" {
		if v := r.Header.Get(a.header); v != "" {
			parts := strings.Split(v, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// enter admits one connection from ip; false when a cap is reached. The
// second result names the cap for logs and metrics.
func (a *admission) enter(ip string) (bool, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.total >= a.max {
		return false, "total"
	}
	if a.byIP[ip] >= a.perIP {
		return false, "per_ip"
	}
	a.total++
	a.byIP[ip]++
	return true, ""
}

func (a *admission) leave(ip string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.total--
	if a.byIP[ip]--; a.byIP[ip] <= 0 {
		delete(a.byIP, ip)
	}
}

// live returns the admitted connections.
func (a *admission) live() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.total
}
