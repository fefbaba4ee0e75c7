package topic_test

import (
	"context"
	"errors"
	"sync"
)

// hub is an in-memory publish/subscribe relay: the smallest transport a
// topic.Session can run over. Delivery is synchronous, in publish order.
type hub struct {
	url string

	mu   sync.Mutex
	down bool
	subs map[string][]func(topic string, payload []byte)
	log  []published // every publish, for assertions
}

type published struct {
	topic   string
	payload string
}

var errHubDown = errors.New("hub: down")

func newHub(url string) *hub {
	return &hub{url: url, subs: map[string][]func(string, []byte){}}
}

func (h *hub) URL() string { return h.url }

func (h *hub) Publish(_ context.Context, topic string, payload []byte) error {
	h.mu.Lock()
	if h.down {
		h.mu.Unlock()
		return errHubDown
	}
	h.log = append(h.log, published{topic, string(payload)})
	fs := append([]func(string, []byte){}, h.subs[topic]...)
	h.mu.Unlock()
	for _, f := range fs {
		f(topic, append([]byte(nil), payload...))
	}
	return nil
}

func (h *hub) Subscribe(topic string, f func(topic string, payload []byte)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[topic] = append(h.subs[topic], f)
}

func (h *hub) setDown(down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down = down
}

// published returns the publishes on topics with the given prefix.
func (h *hub) published(prefix string) []published {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []published
	for _, p := range h.log {
		if len(p.topic) >= len(prefix) && p.topic[:len(prefix)] == prefix {
			out = append(out, p)
		}
	}
	return out
}
