package ipfs

import (
	"context"
	"errors"
	"time"

	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/waku"
)

// errNotConnected is Publish's error while the node is (re)connecting.
var errNotConnected = errors.New("ipfs: not connected to the service node")

// link is one room on one service-node connection: the engine.Relay its
// Topics publish through.
type link struct {
	nc     *nodeConn
	topics *engine.Topics
	ctx    context.Context // ends when the room is left
}

// URL is the node's multiaddr.
func (l *link) URL() string { return l.nc.addr }

// contentTopics are the room's two subscriptions.
func (l *link) contentTopics() []string {
	return []string{l.topics.RootTopic(), l.topics.SelfTopic()}
}

// Publish light-pushes payload on the content topic, as @waku/sdk's
// createEncoder({contentTopic, ephemeral: true}) does.
func (l *link) Publish(ctx context.Context, topic string, payload []byte) error {
	c := l.nc.current()
	if c == nil {
		return errNotConnected
	}
	return c.LightPush(ctx, waku.DefaultPubsubTopic, &waku.Message{
		Payload: payload, ContentTopic: topic, Timestamp: time.Now().UnixNano(), Ephemeral: true,
	})
}
