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

	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// brokerKinds are the brokers every client test runs against: our Go
// broker and mosquitto (the conformance suite uses them too).
var brokerKinds = []strategytest.RelayKind{
	{Name: "mochi", Start: startMochi},
	{Name: "mosquitto", Start: startMosquitto},
}

// startMochi serves relay/mqttbroker on a loopback port, restartable.
func startMochi(t testing.TB) *strategytest.Relay {
	r, _ := startMochiServer(t)
	return r
}

// startMochiServer is startMochi that also returns the broker currently
// serving (a fresh one after each restart).
func startMochiServer(t testing.TB) (*strategytest.Relay, func() *mqttbroker.Server) {
	t.Helper()
	testutil.RequireNetns(t)
	var mu sync.Mutex
	var cur *mqttbroker.Server
	r := strategytest.HandlerRelay(t, "/mqtt", func() strategytest.HandlerCloser {
		b := mqttbroker.New(mqttbroker.Config{Logger: testLogger(t, "mochi")})
		mu.Lock()
		cur = b
		mu.Unlock()
		return b
	})
	return r, func() *mqttbroker.Server { mu.Lock(); defer mu.Unlock(); return cur }
}

// mosquittoBroker runs Debian's mosquitto (package "mosquitto") on a
// loopback TCP port. Debian builds mosquitto 2.0 without libwebsockets, so
// the fixture puts a WebSocket-to-TCP bridge in front of it: each WebSocket
// connection (subprotocol mqtt, binary messages) becomes one TCP connection
// to mosquitto, bytes copied both ways. The MQTT session is mosquitto's.
type mosquittoBroker struct {
	t       testing.TB
	bin     string
	conf    string
	tcpAddr string
	wsAddr  string
	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
}

func startMosquitto(t testing.TB) *strategytest.Relay {
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
	return &strategytest.Relay{URL: "ws://" + m.wsAddr + "/mqtt", Stop: m.Stop, Start: m.Start}
}

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

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// deadURL is a loopback URL where nothing listens.
func deadURL(t *testing.T) string { return harness.DeadURL(t) }

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
