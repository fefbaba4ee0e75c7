package engine_test

import (
	"context"
	"errors"
	"strings"
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

	// holdOffers, when set, holds offers until that many were published,
	// then delivers them in order: offers that cross (glare).
	holdOffers int
	held       []published
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
	batch := []published{{topic, string(payload)}}
	if h.holdOffers > 0 && strings.Contains(string(payload), `"offer"`) {
		h.held = append(h.held, batch[0])
		if len(h.held) < h.holdOffers {
			h.mu.Unlock()
			return nil
		}
		batch, h.held, h.holdOffers = h.held, nil, 0
	}
	h.mu.Unlock()
	for _, p := range batch {
		h.mu.Lock()
		fs := append([]func(string, []byte){}, h.subs[p.topic]...)
		h.mu.Unlock()
		for _, f := range fs {
			f(p.topic, []byte(p.payload))
		}
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
