package mqttbroker_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/eclipse/paho.golang/paho"

	"github.com/posthorn/posthorn/relay/internal/relaytest"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func start(t *testing.T, cfg mqttbroker.Config) (*mqttbroker.Server, string) {
	t.Helper()
	cfg.Logger = quiet()
	b := mqttbroker.New(cfg)
	srv := httptest.NewServer(b)
	t.Cleanup(func() { b.Close(); srv.Close() })
	return b, "ws" + strings.TrimPrefix(srv.URL, "http") + "/mqtt"
}

// client is an MQTT 5 client (eclipse paho) over a WebSocket; received
// publishes go to got.
type client struct {
	*paho.Client
	got chan *paho.Publish
}

// dialWS opens an MQTT WebSocket without speaking MQTT yet.
func dialWS(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(-1)
	t.Cleanup(func() { ws.CloseNow() })
	return ws
}

// connect dials url and completes CONNECT with keepalive seconds.
func connect(t *testing.T, url string, keepalive uint16) *client {
	t.Helper()
	ws := dialWS(t, url)
	c := &client{got: make(chan *paho.Publish, 64)}
	c.Client = paho.NewClient(paho.ClientConfig{
		Conn: websocket.NetConn(context.Background(), ws, websocket.MessageBinary),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(p paho.PublishReceived) (bool, error) {
			select {
			case c.got <- p.Packet:
			default:
			}
			return true, nil
		}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	ack, err := c.Connect(ctx, &paho.Connect{KeepAlive: keepalive, CleanStart: true, ClientID: ""})
	if err != nil {
		t.Fatalf("connect: %v %+v", err, ack)
	}
	t.Cleanup(func() { c.Disconnect(&paho.Disconnect{}) })
	return c
}

// subscribe subscribes c to filters and returns the SUBACK reason codes.
func (c *client) subscribe(t *testing.T, filters ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	var opts []paho.SubscribeOptions
	for _, f := range filters {
		opts = append(opts, paho.SubscribeOptions{Topic: f})
	}
	ack, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: opts})
	if err != nil && ack == nil {
		t.Fatalf("subscribe: %v", err)
	}
	return ack.Reasons
}

func (c *client) publish(t *testing.T, topic string, payload []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relaytest.Patience)
	defer cancel()
	if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, Payload: payload}); err != nil {
		t.Fatalf("publish: %v", err)
	}
}
