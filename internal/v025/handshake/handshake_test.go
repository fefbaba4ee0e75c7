package handshake

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/transfer"
)

const vecChallenge = "CHALLENGE0123456789abcdefghijklmnopq"

// TestHashVector checks the challenge answer against 025-crypto-topics.json.
func TestHashVector(t *testing.T) {
	var v struct {
		Input string `json:"handshakeHashInput"`
		Reply struct {
			Kind string `json:"__trystero_pw"`
			H    string `json:"h"`
		} `json:"handshakeResponderReply"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-crypto-topics.json"), &v); err != nil {
		t.Fatal(err)
	}
	if v.Input != vecChallenge+":hunter2:test-app:room-1" {
		t.Fatalf("unexpected hash input %q", v.Input)
	}
	if got := Hash(vecChallenge, "hunter2", "test-app", "room-1"); got != v.Reply.H || v.Reply.Kind != "response" {
		t.Fatalf("Hash = %s, want %s", got, v.Reply.H)
	}
}

// encode frames what a Send becomes on the wire with Framing025.
func encode(t *testing.T, s Send, nonce uint32) chunk.Chunk {
	t.Helper()
	tr, err := chunk.Framing025.Encode(s.Action, nonce, s.Kind, s.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := tr.Next()
	c, err := chunk.Framing025.Parse(append([]byte(nil), b...))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestResponderVector replays 025-handshake.json: the remote id is the
// smaller, so it challenges; the responder sends nothing first, then the
// response and @_hsready.
func TestResponderVector(t *testing.T) {
	var v struct {
		SelfID   string `json:"selfId"`
		RemoteID string `json:"remoteId"`
		Before   []any  `json:"sentBeforeChallenge"`
		After    []struct {
			Type     string `json:"type"`
			Nonce    uint32 `json:"nonce"`
			Tag      byte   `json:"tag"`
			Progress uint8  `json:"progress"`
			Payload  string `json:"payload"`
		} `json:"sentAfterChallenge"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-handshake.json"), &v); err != nil {
		t.Fatal(err)
	}
	h := New(Params{SelfID: v.SelfID, PeerID: v.RemoteID, AppID: "test-app", RoomID: "room-1", Password: "hunter2"})
	if h.Initiator() {
		t.Fatal("the larger id must not challenge")
	}
	out, err := h.Start()
	if err != nil || len(out) != len(v.Before) {
		t.Fatalf("Start sent %v, %v; want nothing", out, err)
	}
	out, err = h.Data([]byte(`{"__trystero_pw":"challenge","c":"` + vecChallenge + `"}`))
	if err != nil || len(out) != len(v.After) {
		t.Fatalf("Data sent %d messages, %v; want %d", len(out), err, len(v.After))
	}
	for i, w := range v.After {
		c := encode(t, out[i], w.Nonce)
		if c.Type != w.Type || c.Tag() != w.Tag || c.Progress != w.Progress || string(c.Payload) != w.Payload {
			t.Errorf("message %d = %s tag %d progress %d %q; want %+v", i, c.Type, c.Tag(), c.Progress, c.Payload, w)
		}
	}
	if h.Active() {
		t.Fatal("active before the remote's @_hsready")
	}
	if !h.Ready() || !h.Active() {
		t.Fatal("not active after both sides passed")
	}
}

// TestNoPasswordVector checks the first frame of a room without password
// against the @_hsready captured in 025-room-framing.json.
func TestNoPasswordVector(t *testing.T) {
	var v struct {
		SelfID   string `json:"selfId"`
		RemoteID string `json:"remoteId"`
		Sent     []struct {
			FullHex string `json:"fullHex"`
		} `json:"onConnect_sentBeforeActivation"`
		Joined string `json:"peerJoinedAfterRemoteHsready"`
	}
	if err := json.Unmarshal(testutil.Vector(t, "025-room-framing.json"), &v); err != nil {
		t.Fatal(err)
	}
	h := New(Params{SelfID: v.SelfID, PeerID: v.RemoteID, AppID: "test-app", RoomID: "room-1"})
	out, err := h.Start()
	if err != nil || len(out) != len(v.Sent) {
		t.Fatalf("Start = %v, %v", out, err)
	}
	tr, err := chunk.Framing025.Encode(out[0].Action, 0, out[0].Kind, out[0].Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := tr.Next()
	msg, err := frame.AppendRoom(nil, frame.Token("test-app", "room-1"), c)
	if err != nil || hex.EncodeToString(msg) != v.Sent[0].FullHex {
		t.Fatalf("frame %x, %v\nwant  %s", msg, err, v.Sent[0].FullHex)
	}
	if h.Active() || !h.Ready() || v.Joined != v.RemoteID {
		t.Fatal("peer must join once the remote's @_hsready arrives")
	}
}

// pair runs two handshakes against each other, delivering messages until
// neither has more to say, and returns the first error of each side.
func pair(a, b *Handshake) (errA, errB error) {
	type msg struct {
		to *Handshake
		s  Send
	}
	var q []msg
	push := func(to *Handshake, out []Send) {
		for _, s := range out {
			q = append(q, msg{to, s})
		}
	}
	outA, _ := a.Start()
	outB, _ := b.Start()
	push(b, outA)
	push(a, outB)
	for len(q) > 0 {
		m := q[0]
		q = q[1:]
		other := a
		if m.to == a {
			other = b
		}
		switch m.s.Action {
		case ActionReady:
			m.to.Ready()
		case ActionData:
			out, err := m.to.Data(m.s.Data)
			if err != nil {
				if m.to == a && errA == nil {
					errA = err
				}
				if m.to == b && errB == nil {
					errB = err
				}
			}
			push(other, out)
		}
	}
	return errA, errB
}

func TestPairs(t *testing.T) {
	for _, c := range []struct {
		name       string
		pwA, pwB   string
		wantActive bool
	}{
		{"no password", "", "", true},
		{"same password", "hunter2", "hunter2", true},
		{"wrong password", "hunter2", "hunter3", false},
		{"password on one side", "hunter2", "", false},
	} {
		for _, ids := range [][2]string{{"AAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBB"}, {"BBBBBBBBBBBBBBBBBBBB", "AAAAAAAAAAAAAAAAAAAA"}} {
			a := New(Params{SelfID: ids[0], PeerID: ids[1], AppID: "app", RoomID: "room", Password: c.pwA})
			b := New(Params{SelfID: ids[1], PeerID: ids[0], AppID: "app", RoomID: "room", Password: c.pwB})
			errA, errB := pair(a, b)
			if a.Active() != c.wantActive || b.Active() != c.wantActive {
				t.Errorf("%s %s: active %v %v, want %v (errors %v, %v)", c.name, ids[0], a.Active(), b.Active(), c.wantActive, errA, errB)
			}
			// A wrong password is reported by the side that checks
			// it: the initiator, or a responder challenged while it has none.
			if c.wantActive != (errA == nil && errB == nil) && c.pwA != "" && c.pwB != "" {
				t.Errorf("%s: errors %v, %v", c.name, errA, errB)
			}
			for _, err := range []error{errA, errB} {
				if err != nil && !errors.Is(err, ErrPassword) {
					t.Errorf("%s: error %v is not ErrPassword", c.name, err)
				}
			}
		}
	}
}

func TestBadMessages(t *testing.T) {
	for _, p := range []string{
		``, `null`, `"challenge"`, `[]`, `{}`, `{"__trystero_pw":"response","h":"x"}`,
		`{"__trystero_pw":"challenge"}`, `{"__trystero_pw":"challenge","c":7}`, `{"__trystero_pw":1,"c":"x"}`,
	} {
		h := New(Params{SelfID: "B", PeerID: "A", AppID: "app", RoomID: "room", Password: "pw"})
		if out, _ := h.Start(); len(out) != 0 {
			t.Fatal("responder sent before the challenge")
		}
		if out, err := h.Data([]byte(p)); !errors.Is(err, ErrPassword) || len(out) != 0 || !h.Failed() {
			t.Errorf("Data(%s) = %v, %v", p, out, err)
		}
		if _, err := h.Data([]byte(p)); !errors.Is(err, ErrFailed) {
			t.Errorf("after failure: %v", err)
		}
		if h.Ready() {
			t.Errorf("failed handshake turned active")
		}
	}
	// Initiator: a response with another hash fails, nothing is sent.
	h := New(Params{SelfID: "A", PeerID: "B", AppID: "app", RoomID: "room", Password: "pw", newChallenge: func() string { return vecChallenge }})
	out, err := h.Start()
	if err != nil || len(out) != 1 || string(out[0].Data) != `{"__trystero_pw":"challenge","c":"`+vecChallenge+`"}` || out[0].Kind != transfer.KindJSON {
		t.Fatalf("challenge %v, %v", out, err)
	}
	if out, err := h.Data([]byte(`{"__trystero_pw":"response","h":"` + Hash(vecChallenge, "other", "app", "room") + `"}`)); !errors.Is(err, ErrPassword) || out != nil {
		t.Fatalf("wrong response: %v, %v", out, err)
	}
	// Without a password, stray data is ignored.
	h = New(Params{SelfID: "A", PeerID: "B", AppID: "app", RoomID: "room"})
	_, _ = h.Start()
	if out, err := h.Data([]byte(`garbage`)); err != nil || out != nil {
		t.Fatalf("stray data: %v, %v", out, err)
	}
}

func FuzzData(f *testing.F) {
	f.Add([]byte(`{"__trystero_pw":"challenge","c":"`+vecChallenge+`"}`), false)
	f.Add([]byte(`{"__trystero_pw":"response","h":"351bb2e0"}`), true)
	f.Fuzz(func(t *testing.T, payload []byte, initiator bool) {
		self, peer := "B", "A"
		if initiator {
			self, peer = peer, self
		}
		h := New(Params{SelfID: self, PeerID: peer, AppID: "app", RoomID: "room", Password: "pw"})
		if _, err := h.Start(); err != nil {
			t.Fatal(err)
		}
		out, err := h.Data(payload)
		if err != nil && !errors.Is(err, ErrPassword) {
			t.Fatalf("unclassified error %v", err)
		}
		if err == nil && !initiator && (len(out) != 2 || out[1].Action != ActionReady) {
			t.Fatalf("accepted challenge sent %v", out)
		}
	})
}

func ExampleHandshake() {
	h := New(Params{SelfID: "AAAA", PeerID: "BBBB", AppID: "app", RoomID: "room"})
	out, _ := h.Start() // no password: @_hsready at once
	fmt.Println(out[0].Action, h.Active())
	fmt.Println(h.Ready()) // the remote's @_hsready arrived
	// Output:
	// @_hsready false
	// true
}
