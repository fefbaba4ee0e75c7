package mqtt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// broker is a loopback MQTT-over-WebSocket broker that a test can stop and
// start again on the same address (to test reconnection).
type broker interface {
	URL() string
	Stop()
	Start()
}

// brokerKinds are the brokers every transport and room test runs against.
var brokerKinds = []struct {
	name  string
	start func(t *testing.T) broker
}{
	{"mochi", startMochi},
	{"mosquitto", startMosquitto},
}

// mochiBroker serves relay/mqttbroker over a plain HTTP server.
type mochiBroker struct {
	t    *testing.T
	addr string
	mu   sync.Mutex
	srv  *http.Server
	b    *mqttbroker.Server
}

func startMochi(t *testing.T) broker {
	t.Helper()
	testutil.RequireNetns(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mochiBroker{t: t, addr: ln.Addr().String()}
	m.serve(ln)
	t.Cleanup(m.Stop)
	return m
}

func (m *mochiBroker) URL() string { return "ws://" + m.addr + "/mqtt" }

func (m *mochiBroker) serve(ln net.Listener) {
	b := mqttbroker.New(mqttbroker.Config{Logger: testLogger(m.t, "mochi")})
	srv := &http.Server{Handler: b}
	go srv.Serve(ln)
	m.mu.Lock()
	m.srv, m.b = srv, b
	m.mu.Unlock()
}

func (m *mochiBroker) Stop() {
	m.mu.Lock()
	srv, b := m.srv, m.b
	m.srv, m.b = nil, nil
	m.mu.Unlock()
	if srv == nil {
		return
	}
	b.Close()
	srv.Close()
}

func (m *mochiBroker) Start() {
	var ln net.Listener
	var err error
	for range 50 { // the port may linger briefly after Close
		if ln, err = net.Listen("tcp", m.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		m.t.Fatalf("relisten %s: %v", m.addr, err)
	}
	m.serve(ln)
}

// mosquittoBroker runs Debian's mosquitto (package "mosquitto") on a
// loopback TCP port. Debian builds mosquitto 2.0 without libwebsockets, so
// the fixture puts a WebSocket-to-TCP bridge in front of it: each WebSocket
// connection (subprotocol mqtt, binary messages) becomes one TCP connection
// to mosquitto, bytes copied both ways. The MQTT session is mosquitto's.
type mosquittoBroker struct {
	t       *testing.T
	bin     string
	conf    string
	tcpAddr string
	wsAddr  string
	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
}

func startMosquitto(t *testing.T) broker {
	t.Helper()
	testutil.RequireNetns(t)
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/mosquitto"); serr != nil {
			t.Skip("mosquitto not installed (Debian package \"mosquitto\"); make test installs it")
		}
		bin = "/usr/sbin/mosquitto"
	}
	m := &mosquittoBroker{t: t, bin: bin, tcpAddr: freeAddr(t)}
	port := m.tcpAddr[len("127.0.0.1:"):]
	m.conf = filepath.Join(t.TempDir(), "mosquitto.conf")
	conf := fmt.Sprintf("listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n", port)
	if err := os.WriteFile(m.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	m.Start()
	t.Cleanup(m.Stop)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.wsAddr = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(m.bridge)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return m
}

func (m *mosquittoBroker) URL() string { return "ws://" + m.wsAddr + "/mqtt" }

func (m *mosquittoBroker) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	cmd := exec.Command(m.bin, "-c", m.conf)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		m.t.Fatalf("start mosquitto: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	m.cmd, m.exited = cmd, exited
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", m.tcpAddr)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			m.t.Fatalf("mosquitto exited at start-up (port %s)", m.tcpAddr)
		default:
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("mosquitto not listening on %s: %v", m.tcpAddr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the mosquitto process this fixture started (by its own pid).
func (m *mosquittoBroker) Stop() {
	m.mu.Lock()
	cmd, exited := m.cmd, m.exited
	m.cmd = nil
	m.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-exited
}

func (m *mosquittoBroker) bridge(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return
	}
	if ws.Subprotocol() != "mqtt" {
		ws.Close(websocket.StatusPolicyViolation, "subprotocol mqtt required")
		return
	}
	tcp, err := net.Dial("tcp", m.tcpAddr)
	if err != nil {
		ws.Close(websocket.StatusTryAgainLater, "broker down")
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	nc := websocket.NetConn(ctx, ws, websocket.MessageBinary)
	done := make(chan struct{}, 2)
	go func() { io.Copy(tcp, nc); done <- struct{}{} }()
	go func() { io.Copy(nc, tcp); done <- struct{}{} }()
	<-done
	tcp.Close()
	nc.Close()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// deadURL is a loopback URL where nothing listens.
func deadURL(t *testing.T) string {
	return "ws://" + freeAddr(t) + "/mqtt"
}

// waitFor polls cond until it holds or the test's patience runs out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var errTimeout = errors.New("timeout")

// recv waits for a value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("%v waiting for %s", errTimeout, what)
	}
	var zero T
	return zero
}
