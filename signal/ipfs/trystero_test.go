//go:build !js

package ipfs

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/strategytest"
	"github.com/posthorn/posthorn/internal/testutil"
)

// trysteroFixture runs real trystero@0.18.0's ipfs strategy in Node with
// @roamhq/wrtc, bootstrapped to one service node (peer.js there).
const trysteroFixture = "../../scripts/npm-trystero-node"

// trysteroAppID is peer.js's appId argument in these tests.
const trysteroAppID = "posthorn-ipfs-interop"

// jsPeer is one `node peer.js` process.
type jsPeer struct {
	t     *testing.T
	stdin io.WriteCloser
	lines chan string
	done  chan struct{}
	self  string
}

func startJSPeer(t *testing.T, addr, room, password string) *jsPeer {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; it runs trystero")
	}
	if _, err := os.Stat(filepath.Join(trysteroFixture, "node_modules", "trystero")); err != nil {
		t.Skip("npm fixture not installed: run scripts/deps")
	}
	args := []string{"peer.js", addr, trysteroAppID, room}
	if password != "" {
		args = append(args, password)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = trysteroFixture
	cmd.Stderr = testWriter{t}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &jsPeer{t: t, stdin: stdin, lines: make(chan string, 64), done: make(chan struct{})}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			t.Logf("js: %s", sc.Text())
			p.lines <- sc.Text()
		}
	}()
	go func() {
		defer close(p.done)
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		p.leave()
		select {
		case <-p.done:
		case <-time.After(strategytest.WaitTimeout):
			_ = cmd.Process.Kill()
			<-p.done
		}
		for range p.lines {
		}
	})
	p.self = strings.TrimPrefix(p.expect("SELF "), "SELF ")
	return p
}

// expect returns the next line starting with prefix, skipping others.
func (p *jsPeer) expect(prefix string) string {
	p.t.Helper()
	timeout := time.After(strategytest.WaitTimeout)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("the JS peer exited before %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			p.t.Fatalf("the JS peer: no %q", prefix)
		}
	}
}

// leave closes the peer's stdin: it leaves the room and exits.
func (p *jsPeer) leave() { _ = p.stdin.Close() }

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log("js stderr: " + strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// nativePeer is a posthorn member with peer.js's "msg" action: it greets
// every peer that joins and records what arrives.
type nativePeer struct {
	s      *Strategy
	room   *posthorn.Room
	joins  chan string
	leaves chan string
	recv   chan string
}

func joinNative(t *testing.T, addr, room, password string) *nativePeer {
	t.Helper()
	s := New(&posthorn.Options{Logger: slog.New(strategytest.NewLog())})
	t.Cleanup(s.Close)
	r, err := s.JoinRoom(strategytest.Ctx(t), posthorn.Config{
		AppID: trysteroAppID, Password: password, RelayURLs: []string{addr}, RTCConfig: &webrtc.Configuration{},
	}, room)
	if err != nil {
		t.Fatal(err)
	}
	n := &nativePeer{s: s, room: r, joins: make(chan string, 8), leaves: make(chan string, 8), recv: make(chan string, 8)}
	msg, err := r.MakeAction("msg")
	if err != nil {
		t.Fatal(err)
	}
	msg.OnReceive(func(m posthorn.Message, from string) { n.recv <- from + " " + m.String() })
	r.OnPeerJoin(func(id string) {
		n.joins <- id
		go msg.Send(context.Background(), "hello from "+s.SelfID(), &posthorn.SendOptions{Targets: []string{id}})
	})
	r.OnPeerLeave(func(id string) { n.leaves <- id })
	return n
}

func next(t *testing.T, ch chan string, what string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(strategytest.WaitTimeout):
		t.Fatalf("no %s", what)
		return ""
	}
}

// TestTrystero: a posthorn member and a real trystero@0.18.0 ipfs peer
// (Node, @roamhq/wrtc) meet through the service node, in both join orders,
// with and without a password; each receives the other's message once,
// and each sees the other leave.
func TestTrystero(t *testing.T) {
	testutil.RequireNetns(t)
	for _, password := range []string{"", "s3cret"} {
		for _, jsFirst := range []bool{true, false} {
			name := "native-first"
			if jsFirst {
				name = "js-first"
			}
			if password != "" {
				name += "/password"
			}
			t.Run(name, func(t *testing.T) {
				addr := startNode(t).URL
				room := "room-" + strings.ReplaceAll(name, "/", "-")
				var js *jsPeer
				var n *nativePeer
				if jsFirst {
					js = startJSPeer(t, addr, room, password)
					n = joinNative(t, addr, room, password)
				} else {
					n = joinNative(t, addr, room, password)
					js = startJSPeer(t, addr, room, password)
				}
				if got := next(t, n.joins, "join"); got != js.self {
					t.Fatalf("native met %q, want %q", got, js.self)
				}
				js.expect("JOIN " + n.s.SelfID())
				if got := next(t, n.recv, "message"); got != js.self+" hello from "+js.self {
					t.Fatalf("native received %q", got)
				}
				js.expect("RECV " + n.s.SelfID() + " hello from " + n.s.SelfID())

				if jsFirst {
					js.leave()
					if got := next(t, n.leaves, "leave"); got != js.self {
						t.Fatalf("native saw %q leave", got)
					}
				} else {
					if err := n.room.Leave(); err != nil {
						t.Fatal(err)
					}
					js.expect("LEAVE " + n.s.SelfID())
				}
				select {
				case id := <-n.joins:
					t.Fatalf("a second join of %s", id)
				default:
				}
			})
		}
	}
}

// TestTrysteroNodeRestart: the service node restarts while a posthorn
// member is in the room; the member reconnects, subscribes and announces
// again, and a real trystero@0.18.0 ipfs peer that joins afterwards meets
// it.
func TestTrysteroNodeRestart(t *testing.T) {
	testutil.RequireNetns(t)
	node := startNode(t)
	n := joinNative(t, node.URL, "restart", "")
	node.Stop()
	node.Start()
	js := startJSPeer(t, node.URL, "restart", "")
	if got := next(t, n.joins, "join"); got != js.self {
		t.Fatalf("native met %q, want %q", got, js.self)
	}
	js.expect("RECV " + n.s.SelfID() + " hello from " + n.s.SelfID())
}
