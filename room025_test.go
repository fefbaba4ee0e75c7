package posthorn

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/transfer"
)

const (
	app025    = "test-app"
	roomID025 = "room-1"
)

// joinErr is one OnJoinError call.
type joinErr struct {
	peer string
	err  error
}

// newMember025 creates a Room on the 0.25 profile; its join errors go to
// the returned channel.
func newMember025(t testing.TB, password string, timeout time.Duration) (*member, <-chan joinErr) {
	errs := make(chan joinErr, 16)
	m := &member{id: ids.New(ids.SelfIDLen), log: &testutil.LogRecorder{}}
	m.room = newRoom(roomlink.Options{SelfID: m.id, Logger: slog.New(m.log), Profile: &profile.V025,
		AppID: app025, RoomID: roomID025, Password: password, HandshakeTimeout: timeout,
		OnJoinError: func(id string, err error) { errs <- joinErr{id, err} }})
	t.Cleanup(func() { _ = m.room.Leave() })
	return m, errs
}

// chunk025 is one framed 0.25 chunk of name carrying data, for a raw peer.
func chunk025(t testing.TB, name string, kind transfer.Kind, data []byte) []byte {
	t.Helper()
	var n chunk.NonceCounter
	tx, err := n.Encode(chunk.Framing025, name, kind, data, nil)
	if err != nil || tx.Len() != 1 {
		t.Fatalf("encode %s: %v", name, err)
	}
	b, err := frame.AppendRoom(nil, frame.Token(app025, roomID025), tx.AppendChunk(nil, 0))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestV025HandshakeAndData: two 0.25 rooms with the same password pass the
// challenge, join each other and exchange every kind of data with metadata
// and pings, all inside room frames.
func TestV025HandshakeAndData(t *testing.T) {
	for _, pw := range []string{"", "hunter2"} {
		t.Run("password="+pw, func(t *testing.T) {
			a, aErrs := newMember025(t, pw, 0)
			b, bErrs := newMember025(t, pw, 0)
			joins := make(chan [2]string, 4)
			for _, m := range []*member{a, b} {
				m.room.OnPeerJoin(func(id string) { joins <- [2]string{m.id, id} })
			}
			link(t, a, b)
			got := map[[2]string]bool{}
			for range 2 {
				got[recv(t, joins, "onPeerJoin")] = true
			}
			if !got[[2]string{a.id, b.id}] || !got[[2]string{b.id, a.id}] {
				t.Fatalf("joins %v", got)
			}
			ctx := testCtx(t)
			_, bRecv := collect(t, b, "chat")
			aAct, err := a.room.MakeAction("chat")
			if err != nil {
				t.Fatal(err)
			}
			big := make([]byte, 3*chunk.Framing025.MaxPayload()+7)
			for i := range big {
				big[i] = byte(i * 7)
			}
			for _, tc := range []struct {
				data any
				meta any
				kind string
			}{
				{"txt", 7, "string"},
				{map[string]int{"n": 1}, nil, "json"},
				{big, map[string]string{"name": "f"}, "binary"},
			} {
				if err := aAct.Send(ctx, tc.data, &SendOptions{Meta: tc.meta}); err != nil {
					t.Fatal(err)
				}
				g := recv(t, bRecv, "message")
				if g.kind != tc.kind || g.peerID != a.id {
					t.Errorf("got kind %s from %s, want %s from %s", g.kind, g.peerID, tc.kind, a.id)
				}
				if tc.meta != nil && g.meta == "" {
					t.Errorf("%s: metadata lost", tc.kind)
				}
			}
			if _, err := b.room.Ping(ctx, a.id); err != nil {
				t.Fatal(err)
			}
			for _, errs := range []<-chan joinErr{aErrs, bErrs} {
				select {
				case e := <-errs:
					t.Errorf("join error %v from %s", e.err, e.peer)
				default:
				}
			}
		})
	}
}

// TestV025WrongPassword: with different passwords the challenger refuses
// the peer with ErrWrongPassword, the other side learns that the
// handshake did not complete, and nobody joins.
func TestV025WrongPassword(t *testing.T) {
	a, aErrs := newMember025(t, "hunter2", 0)
	b, bErrs := newMember025(t, "hunter3", 0)
	var mu sync.Mutex
	joined := 0
	for _, m := range []*member{a, b} {
		m.room.OnPeerJoin(func(string) { mu.Lock(); joined++; mu.Unlock() })
	}
	link(t, a, b)
	challenger, other := a, b
	cErrs, oErrs := aErrs, bErrs
	if b.id < a.id {
		challenger, other, cErrs, oErrs = b, a, bErrs, aErrs
	}
	e := recv(t, cErrs, "the challenger's join error")
	if e.peer != other.id || !errors.Is(e.err, ErrWrongPassword) {
		t.Errorf("challenger: join error %v from %s, want ErrWrongPassword from %s", e.err, e.peer, other.id)
	}
	e = recv(t, oErrs, "the responder's join error")
	if e.peer != challenger.id || !errors.Is(e.err, ErrHandshake) {
		t.Errorf("responder: join error %v from %s, want ErrHandshake from %s", e.err, e.peer, challenger.id)
	}
	mu.Lock()
	defer mu.Unlock()
	if joined != 0 || len(a.room.Peers())+len(b.room.Peers()) != 0 {
		t.Errorf("%d joins, peers %v %v", joined, a.room.Peers(), b.room.Peers())
	}
}

// rawPeer025 connects a bare peer to a 0.25 room m, as remote id, and returns
// the peer with the framed chunks it receives; the presence frames of the
// room are skipped.
func rawPeer025(t *testing.T, m *member, id string) (*peer.Peer, <-chan chunk.Chunk) {
	xp, yp := connectPeers(t)
	in := make(chan chunk.Chunk, 64)
	yp.OnData(func(b []byte) {
		f, err := frame.Parse(b)
		if err == nil && f.Type == frame.TypePresence && f.Token == frame.Token(app025, roomID025) {
			return
		}
		if err != nil || f.Type != frame.TypeRoom || f.Token != frame.Token(app025, roomID025) {
			t.Errorf("not a room frame of the room: % x (%v)", b[:min(len(b), 8)], err)
			return
		}
		ch, err := chunk.Framing025.Parse(f.Chunk)
		if err != nil {
			t.Errorf("chunk: %v", err)
			return
		}
		ch.Payload = append([]byte(nil), ch.Payload...)
		in <- ch
	})
	m.room.addPeer(id, xp)
	return yp, in
}

// TestV025Gating: a room sends @_hsready in a room frame, drops a
// peer's action chunks until the peer's @_hsready arrived, and then joins
// it and takes them.
func TestV025Gating(t *testing.T) {
	a, _ := newMember025(t, "", 0)
	joins := make(chan string, 1)
	a.room.OnPeerJoin(func(id string) { joins <- id })
	_, aRecv := collect(t, a, "chat")
	rid := ids.New(ids.SelfIDLen)
	raw, in := rawPeer025(t, a, rid)
	if ch := recv(t, in, "@_hsready"); ch.Type != "@_hsready" || string(ch.Payload) != "" {
		t.Fatalf("first chunk %q %q, want @_hsready \"\"", ch.Type, ch.Payload)
	}
	ctx := testCtx(t)
	early := chunk025(t, "chat", transfer.KindString, []byte("early"))
	if err := raw.Send(ctx, early); err != nil {
		t.Fatal(err)
	}
	if err := raw.Send(ctx, chunk025(t, "@_hsready", transfer.KindString, nil)); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, joins, "onPeerJoin"); id != rid {
		t.Fatalf("joined %s, want %s", id, rid)
	}
	if err := raw.Send(ctx, chunk025(t, "chat", transfer.KindString, []byte("late"))); err != nil {
		t.Fatal(err)
	}
	if g := recv(t, aRecv, "message"); string(g.data) != "late" {
		t.Errorf("got %q: the chunk sent before @_hsready was not dropped", g.data)
	}
}

// TestV025HandshakeTimeout: a peer that never sends @_hsready is refused
// with ErrHandshake, which is also context.DeadlineExceeded, when the
// handshake times out, and never joins.
func TestV025HandshakeTimeout(t *testing.T) {
	a, errs := newMember025(t, "", 50*time.Millisecond)
	joins := make(chan string, 1)
	a.room.OnPeerJoin(func(id string) { joins <- id })
	rid := ids.New(ids.SelfIDLen)
	raw, _ := rawPeer025(t, a, rid)
	e := recv(t, errs, "join error")
	if e.peer != rid || !errors.Is(e.err, ErrHandshake) || !errors.Is(e.err, context.DeadlineExceeded) {
		t.Errorf("join error %v from %s", e.err, e.peer)
	}
	if want := "posthorn: peer did not complete the session handshake within 50ms"; e.err.Error() != want {
		t.Errorf("join error %q, want %q", e.err, want)
	}
	recv(t, raw.Done(), "the room to close the connection")
	select {
	case id := <-joins:
		t.Errorf("%s joined", id)
	default:
	}
}

// TestV025SilentConnection: a shared connection on which nothing ever
// arrived is closed as soon as its last room lets it go (here at the
// handshake's timeout), not kept for the idle period, and the room asks
// its strategy to look for the peer again (OnPeerLost); one on which the
// peer sent a frame, even for another room, stays open for later rooms.
func TestV025SilentConnection(t *testing.T) {
	defer setIdleTimeout(time.Hour)()
	for _, speaks := range []bool{false, true} {
		a, errs := newMember025(t, "", 300*time.Millisecond)
		lost := make(chan string, 1)
		a.room.onLost = func(id string) { lost <- id }
		rid := ids.New(ids.SelfIDLen)
		raw, _ := rawPeer025(t, a, rid)
		if speaks {
			b, err := frame.AppendPresence(nil, frame.Token(app025, "another-room"), true)
			if err != nil {
				t.Fatal(err)
			}
			if err := raw.Send(testCtx(t), b); err != nil {
				t.Fatal(err)
			}
		}
		if e := recv(t, errs, "join error"); !errors.Is(e.err, ErrHandshake) {
			t.Fatalf("join error %v", e.err)
		}
		if !speaks {
			recv(t, raw.Done(), "the room to close the silent connection")
			if id := recv(t, lost, "OnPeerLost"); id != rid {
				t.Errorf("OnPeerLost(%s), want %s", id, rid)
			}
			continue
		}
		select {
		case <-raw.Done():
			t.Fatal("the room closed a connection that had carried a frame")
		case id := <-lost:
			t.Fatalf("OnPeerLost(%s) for a peer that spoke", id)
		case <-time.After(500 * time.Millisecond):
		}
		_ = raw.Close()
	}
}

// TestV025Leave: @_leave makes the peer leave at once, and Leave sends it.
func TestV025Leave(t *testing.T) {
	a, _ := newMember025(t, "", 0)
	joins := make(chan string, 1)
	leaves := make(chan string, 1)
	a.room.OnPeerJoin(func(id string) { joins <- id })
	a.room.OnPeerLeave(func(id string) { leaves <- id })
	rid := ids.New(ids.SelfIDLen)
	raw, _ := rawPeer025(t, a, rid)
	ctx := testCtx(t)
	if err := raw.Send(ctx, chunk025(t, "@_hsready", transfer.KindString, nil)); err != nil {
		t.Fatal(err)
	}
	recv(t, joins, "onPeerJoin")
	if err := raw.Send(ctx, chunk025(t, "@_leave", transfer.KindString, nil)); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, leaves, "onPeerLeave"); id != rid {
		t.Errorf("%s left, want %s", id, rid)
	}

	// Leave sends @_leave before closing.
	b, _ := newMember025(t, "", 0)
	bJoins := make(chan string, 1)
	b.room.OnPeerJoin(func(id string) { bJoins <- id })
	raw, in := rawPeer025(t, b, rid)
	recv(t, in, "@_hsready")
	if err := raw.Send(ctx, chunk025(t, "@_hsready", transfer.KindString, nil)); err != nil {
		t.Fatal(err)
	}
	recv(t, bJoins, "onPeerJoin")
	if err := b.room.Leave(); err != nil {
		t.Fatal(err)
	}
	if ch := recv(t, in, "@_leave"); ch.Type != "@_leave" {
		t.Errorf("got %q, want @_leave", ch.Type)
	}
}

// TestSignal025 converts @_signal payloads both ways (protocol-0.25 §5).
func TestSignal025(t *testing.T) {
	idx := uint16(0)
	mid := "0"
	cand := peer.ICECandidateInit{Candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", SDPMid: &mid, SDPMLineIndex: &idx}
	for _, s := range []peer.Signal{
		{Type: peer.TypeOffer, SDP: "v=0\r\n"},
		{Type: peer.TypeAnswer, SDP: "v=0\r\n"},
		{Type: peer.TypeCandidate, Candidate: &cand},
	} {
		b, ok := marshalSignal025(s)
		if !ok {
			t.Fatalf("%s not marshalled", s.Type)
		}
		back, err := signal025(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if back.Type != s.Type || back.SDP != s.SDP || (s.Candidate != nil && (back.Candidate == nil ||
			back.Candidate.Candidate != cand.Candidate || *back.Candidate.SDPMid != mid || *back.Candidate.SDPMLineIndex != idx)) {
			t.Errorf("%s came back as %+v", b, back)
		}
	}
	if _, ok := marshalSignal025(peer.Signal{Type: peer.TypeRenegotiate, Renegotiate: true}); ok {
		t.Error("renegotiate marshalled")
	}
	for _, bad := range []string{`{"type":"candidate","sdp":"x"}`, `{"type":"offer"}`, `{"type":"pranswer","sdp":""}`} {
		if _, err := signal025([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
