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
	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/relay/mqttbroker"
)

// brokerKinds are the brokers every client test runs against: our Go
// broker (mochi-mqtt, MQTT 5 and 3.1.1), Debian's mosquitto, and npm aedes
// (MQTT 3.1.1 only). The conformance suite uses them too.
var brokerKinds = []strategytest.RelayKind{
	{Name: "mochi", Start: startMochi},
	{Name: "mosquitto", Start: startMosquitto},
	aedes.Kind("aedes"),
}

// aedes is npm's aedes broker behind a ws WebSocket listener
// (scripts/npm-aedes, pinned by its package-lock.json).
var aedes = strategytest.NodeFixture{Dir: "npm-aedes", Script: "broker.js", Module: "aedes", URLPath: "/mqtt"}

// refusingKinds are brokers that answer our CONNECT with a CONNACK return
// code other than 0, each for another reason.
var refusingKinds = []struct {
	strategytest.RelayKind
	code byte
}{
	// mochi-mqtt that accepts MQTT 5 only: bad protocol level.
	{strategytest.RelayKind{Name: "mochi-v5-only", Start: startMochiV5Only}, 1},
	// aedes whose authenticate hook refuses: bad user name or password.
	{strategytest.NodeFixture{Dir: "npm-aedes", Script: "refusing.js", Module: "aedes", URLPath: "/mqtt"}.Kind("aedes-auth"), 4},
	// mosquitto without anonymous access: not authorized.
	{strategytest.RelayKind{Name: "mosquitto-no-anonymous", Start: func(t testing.TB) *strategytest.Relay {
		return startMosquittoConf(t, "allow_anonymous false\n")
	}}, 5},
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
	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{}
}

func startMosquitto(t testing.TB) *strategytest.Relay {
	t.Helper()
	return startMosquittoConf(t, "allow_anonymous true\n")
}

// startMosquittoConf starts mosquitto with extra configuration lines.
func startMosquittoConf(t testing.TB, extra string) *strategytest.Relay {
	t.Helper()
	m := newMosquitto(t, extra)
	return &strategytest.Relay{URL: wsBridge(t, m.tcpAddr), Stop: m.Stop, Start: m.Start}
}

// newMosquitto starts mosquitto with extra configuration lines on a
// loopback TCP port (no WebSocket in front).
func newMosquitto(t testing.TB, extra string) *mosquittoBroker {
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
	conf := fmt.Sprintf("listener %s 127.0.0.1\npersistence false\n%s", port, extra)
	if err := os.WriteFile(m.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// signal sends sig to the running mosquitto (SIGSTOP freezes it with its
// connections open, as a dead broker behind a live TCP path).
func (m *mosquittoBroker) signal(sig os.Signal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cmd.Process.Signal(sig)
}

// allowAll is a mochi hook that lets every client connect, publish and
// subscribe.
type allowAll struct{ mochi.HookBase }

func (*allowAll) ID() string { return "allow-all" }
func (*allowAll) Provides(b byte) bool {
	return b == mochi.OnConnectAuthenticate || b == mochi.OnACLCheck
}
func (*allowAll) OnConnectAuthenticate(*mochi.Client, packets.Packet) bool { return true }
func (*allowAll) OnACLCheck(*mochi.Client, string, bool) bool              { return true }

// startMochiV5Only runs mochi-mqtt on a loopback TCP port, behind the
// WebSocket bridge, with MQTT 5 as its minimum protocol version: it refuses
// MQTT 3.1.1 clients with CONNACK return code 1.
func startMochiV5Only(t testing.TB) *strategytest.Relay {
	t.Helper()
	testutil.RequireNetns(t)
	caps := mochi.NewDefaultServerCapabilities()
	caps.MinimumProtocolVersion = 5
	srv := mochi.New(&mochi.Options{Capabilities: caps, Logger: testLogger(t, "mochi-v5")})
	if err := srv.AddHook(new(allowAll), nil); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	if err := srv.AddListener(listeners.NewTCP(listeners.Config{ID: "tcp", Address: addr})); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &strategytest.Relay{URL: wsBridge(t, addr)}
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

// wsBridge serves, on a loopback port until the test ends, a WebSocket
// endpoint whose every connection (subprotocol mqtt, binary messages)
// becomes one TCP connection to the MQTT broker at tcpAddr, bytes copied
// both ways. It returns the endpoint's URL.
func wsBridge(t testing.TB, tcpAddr string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { bridge(w, r, tcpAddr) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "ws://" + ln.Addr().String() + "/mqtt"
}

func bridge(w http.ResponseWriter, r *http.Request, tcpAddr string) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return
	}
	if ws.Subprotocol() != "mqtt" {
		ws.Close(websocket.StatusPolicyViolation, "subprotocol mqtt required")
		return
	}
	tcp, err := net.Dial("tcp", tcpAddr)
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
