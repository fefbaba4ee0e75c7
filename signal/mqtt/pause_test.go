package mqtt

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/mqttclient"
	"github.com/posthorn/posthorn/internal/socket"
)

// messages is a slog handler that passes every message to a channel.
type messages chan string

func (m messages) Enabled(context.Context, slog.Level) bool { return true }
func (m messages) Handle(_ context.Context, r slog.Record) error {
	select {
	case m <- r.Message:
	default:
	}
	return nil
}
func (m messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m messages) WithGroup(string) slog.Handler      { return m }

// TestClientPauseReconnection: while relay reconnection is paused
// (socket.PauseReconnection, Trystero 0.25's pauseRelayReconnection) a
// broker client that lost its broker waits; resuming reconnects it at
// once, although its reconnect wait is an hour.
func TestClientPauseReconnection(t *testing.T) {
	b := brokerKinds[0].Start(t)
	lines := make(messages, 64)
	connects := make(chan struct{}, 4)
	c := mqttclient.New(b.URL, mqttclient.Options{Reconnect: posthorn.ReconnectPolicy{Wait: time.Hour, MaxWait: time.Hour}, Logger: slog.New(lines)})
	c.OnConnect(func(context.Context) { connects <- struct{}{} })
	c.Start()
	t.Cleanup(func() { c.Close() })
	recv(t, connects, "first connect")

	socket.PauseReconnection()
	defer socket.ResumeReconnection()
	b.Stop()
	for l := ""; l != "mqtt reconnection paused"; {
		l = recv(t, lines, "the client to wait for the pause to end")
	}
	b.Start()
	socket.ResumeReconnection()
	recv(t, connects, "reconnect on resume")
}
