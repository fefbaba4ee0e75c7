package engine_test

import (
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/crypt"
	"github.com/posthorn/posthorn/internal/engine"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/testutil"
)

// mailbox carries one side's sealed signals to the other's Session.Signal
// in order, the way a firebase mailbox does, and records them.
type mailbox struct {
	mu   sync.Mutex
	sent []string
	ch   chan string
}

func newMailbox(t *testing.T, to *engine.Session, from string, reply func(string) error) *mailbox {
	m := &mailbox{ch: make(chan string, 256)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for s := range m.ch {
			to.Signal(from, s, reply, nil)
		}
	}()
	t.Cleanup(func() { close(m.ch); <-done })
	return m
}

func (m *mailbox) send(s string) error {
	m.mu.Lock()
	m.sent = append(m.sent, s)
	m.mu.Unlock()
	m.ch <- s
	return nil
}

func (m *mailbox) signals() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.sent...)
}

func trickleSession(t *testing.T, password string, log *testutil.LogRecorder) *engine.Session {
	t.Helper()
	lg := quiet()
	if log != nil {
		lg = slog.New(log)
	}
	es, err := engine.NewSession(engine.SessionConfig{RoomID: "room-1", SelfID: ids.New(ids.SelfIDLen), Trickle: true,
		Config: posthorn.Config{AppID: "db", Password: password, RTCConfig: &posthorn.RTCConfiguration{}, Logger: lg}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Room().Leave() })
	return es
}

// TestTrickleSignals: with Trickle, an offer and an answer cross first,
// then each side's candidates as signals of their own, each the JSON of the
// whole simple-peer signal (sealed as a whole with a password), and the
// pair connects.
func TestTrickleSignals(t *testing.T) {
	testutil.RequireNetns(t)
	for _, password := range []string{"", "hunter2"} {
		t.Run("password="+password, func(t *testing.T) {
			a, b := trickleSession(t, password, nil), trickleSession(t, password, nil)
			joined := make(chan string, 2)
			a.Room().OnPeerJoin(func(id string) { joined <- "a:" + id })
			b.Room().OnPeerJoin(func(id string) { joined <- "b:" + id })
			var toA, toB *mailbox
			toA = newMailbox(t, a, b.SelfID(), func(s string) error { return toB.send(s) })
			toB = newMailbox(t, b, a.SelfID(), func(s string) error { return toA.send(s) })
			if a.Offer(b.SelfID(), toB.send, nil) == nil {
				t.Fatal("no offer")
			}
			want := map[string]bool{"a:" + b.SelfID(): true, "b:" + a.SelfID(): true}
			for len(want) > 0 {
				select {
				case j := <-joined:
					delete(want, j)
				case <-time.After(waitTimeout):
					t.Fatalf("never connected; missing %v", want)
				}
			}
			cbc := crypt.NewCBC(password, "room-1")
			for _, side := range []struct {
				name, first string
				box         *mailbox
			}{{"a", peer.TypeOffer, toB}, {"b", peer.TypeAnswer, toA}} {
				// A side may connect on the other's candidates before its
				// own have been sent: wait for its first candidate signal.
				count := func() (candidates, signals int) {
					sent := side.box.signals()
					for i, s := range sent {
						plain := s
						if password != "" {
							if _, err := peer.ParseSignal([]byte(s)); err == nil {
								t.Fatalf("%s: signal %d is not sealed: %.60q", side.name, i, s)
							}
							var err error
							if plain, err = cbc.Decrypt(s); err != nil {
								t.Fatalf("%s: signal %d does not open: %v", side.name, i, err)
							}
						}
						sig, err := peer.ParseSignal([]byte(plain))
						if err != nil {
							t.Fatalf("%s: signal %d: %v", side.name, i, err)
						}
						switch {
						case i == 0 && (sig.Type != side.first || sig.SDP == ""):
							t.Fatalf("%s: first signal %q, want an %s", side.name, sig.Type, side.first)
						case i > 0 && sig.Type == peer.TypeCandidate && sig.Candidate != nil:
							candidates++
						case i > 0:
							t.Fatalf("%s: signal %d is a %q", side.name, i, sig.Type)
						}
					}
					return candidates, len(sent)
				}
				for deadline := time.Now().Add(waitTimeout); ; time.Sleep(10 * time.Millisecond) {
					candidates, signals := count()
					if candidates > 0 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s sent no candidate signals: %d signals", side.name, signals)
					}
				}
			}
		})
	}
}

// TestTrickleRejects: signals that do not open with the password or do not
// parse are logged and create nothing; a candidate without an attempt is
// dropped.
func TestTrickleRejects(t *testing.T) {
	log := &testutil.LogRecorder{}
	b := trickleSession(t, "hunter2", log)
	remote := ids.New(ids.SelfIDLen)
	nop := func(string) error { return nil }
	sealed, err := crypt.NewCBC("hunter2", "room-1").Encrypt("{not json")
	if err != nil {
		t.Fatal(err)
	}
	other, err := crypt.NewCBC("swordfish", "room-1").Encrypt(`{"type":"offer","sdp":"v=0\r\n"}`)
	if err != nil {
		t.Fatal(err)
	}
	cand, err := crypt.NewCBC("hunter2", "room-1").Encrypt(`{"type":"candidate","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMLineIndex":0,"sdpMid":"0"}}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, sealed, log string }{
		{"plaintext", `{"type":"offer","sdp":"v=0\r\n"}`, "password"},
		{"other password", other, "password"},
		{"not JSON", sealed, "malformed"},
		{"lone candidate", cand, "without a matching attempt"},
	} {
		b.Signal(remote, tt.sealed, nop, nil)
		select {
		case <-log.Seen(tt.log):
		case <-time.After(waitTimeout):
			t.Fatalf("%s: no log line with %q", tt.name, tt.log)
		}
		if b.Outstanding(remote) != nil || len(b.Room().Peers()) != 0 {
			t.Fatalf("%s: created something", tt.name)
		}
	}
}

// TestTrickleWrongPassword: a trickled signal sealed with another password
// reaches Config.OnJoinError, as an offer or answer does on every strategy.
func TestTrickleWrongPassword(t *testing.T) {
	got := make(chan *posthorn.JoinError, 1)
	es, err := engine.NewSession(engine.SessionConfig{RoomID: "room-1", SelfID: ids.New(ids.SelfIDLen), Trickle: true,
		Config: posthorn.Config{AppID: "db", Password: "hunter2", RTCConfig: &posthorn.RTCConfiguration{}, Logger: quiet(),
			OnJoinError: func(e *posthorn.JoinError) { got <- e }}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Room().Leave() })
	other, err := crypt.NewCBC("swordfish", "room-1").Encrypt(`{"type":"offer","sdp":"v=0\r\n"}`)
	if err != nil {
		t.Fatal(err)
	}
	remote := ids.New(ids.SelfIDLen)
	es.Signal(remote, other, func(string) error { return nil }, nil)
	select {
	case e := <-got:
		if !errors.Is(e.Err, posthorn.ErrWrongPassword) || e.PeerID != remote || e.RoomID != "room-1" || e.AppID != "db" {
			t.Fatalf("join error %+v (%v)", e, e.Err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("OnJoinError not called")
	}
}
