//go:build !js

package mqtt

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/mqttclient"
)

// TestClientDeadBrokerTimeout: a broker that stops answering with its
// connection still open (mosquitto frozen by SIGSTOP) is given up after
// the keepalive's unanswered PINGREQ; once it answers again the client
// reconnects.
func TestClientDeadBrokerTimeout(t *testing.T) {
	m := newMosquitto(t, "allow_anonymous true\n")
	url := wsBridge(t, m.tcpAddr)
	errs := make(chan error, 16)
	connects := make(chan struct{}, 16)
	c := mqttclient.New(url, mqttclient.Options{Reconnect: testReconnect, KeepAlive: time.Second, Logger: testLogger(t, "dead")})
	c.OnError(func(err error) { errs <- err })
	c.OnConnect(func(context.Context) { connects <- struct{}{} })
	c.Start()
	t.Cleanup(func() { c.Close() })
	recv(t, connects, "connect")
	if err := m.signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := true
	t.Cleanup(func() {
		if stopped {
			m.signal(syscall.SIGCONT)
		}
	})
	if err := recv(t, errs, "keepalive timeout"); !strings.Contains(err.Error(), "keepalive timeout") {
		t.Fatalf("error %v, want the keepalive timeout", err)
	}
	if s := c.State(); s == posthorn.RelayOpen {
		t.Fatalf("state %v after the keepalive timeout", s)
	}
	if err := m.signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	stopped = false
	recv(t, connects, "reconnect after the broker woke up")
}
