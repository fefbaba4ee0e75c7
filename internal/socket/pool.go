package socket

import (
	"sync"

	"github.com/posthorn/posthorn"
)

// Pool hands out one shared Socket per URL (protocol-0.18 §7.1: one socket per
// tracker URL, shared by all rooms).
type Pool struct {
	// Options apply to every Socket the pool dials.
	Options Options

	mu      sync.Mutex
	sockets map[string]*Socket
}

// Get returns the pool's Socket for url, dialling it on first use.
func (p *Pool) Get(url string) *Socket {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sockets == nil {
		p.sockets = map[string]*Socket{}
	}
	s, ok := p.sockets[url]
	if !ok {
		s = Dial(url, &p.Options)
		p.sockets[url] = s
	}
	return s
}

// States returns the ready state of every socket, keyed by URL (the seed's
// getRelaySockets()).
func (p *Pool) States() map[string]posthorn.RelayState {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]posthorn.RelayState, len(p.sockets))
	for u, s := range p.sockets {
		out[u] = s.State()
	}
	return out
}

// Close closes every socket.
func (p *Pool) Close() {
	p.mu.Lock()
	socks := p.sockets
	p.sockets = nil
	p.mu.Unlock()
	for _, s := range socks {
		s.Close()
	}
}
