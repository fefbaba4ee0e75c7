package posthorn

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/testutil"
)

// Frame-level tests: a Room on one end, a bare peer.Peer on the other, so
// the test sees and builds the exact chunks on the wire.

// vectorFile holds the chunks real trystero 0.18.0 produced (protocol-0.18 §9).
var vectorFile = testutil.VectorPath("018-room-framing.json")

type vectorChunk struct {
	Len               int    `json:"len"`
	HeaderHex         string `json:"headerHex"`
	PayloadPreviewHex string `json:"payloadPreviewHex"`
	FullHex           string `json:"fullHex"`
}

func loadVectors(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatalf("spec vectors: %v", err)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// bareLink connects Room m (on the initiator side) to a bare peer registered
// in m as id; the bare peer's received chunks arrive on the returned channel.
func bareLink(t *testing.T, m *member, id string) (*peer.Peer, <-chan []byte) {
	x, y := connectPeers(t)
	return bareLinked(m, id, x, y)
}

func bareLinked(m *member, id string, x, y *peer.Peer) (*peer.Peer, <-chan []byte) {
	chunks := make(chan []byte, 4096)
	y.OnData(func(b []byte) { chunks <- b })
	m.room.addPeer(id, x)
	return y, chunks
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFramePingGetsPong(t *testing.T) {
	v := loadVectors(t)
	var ping []vectorChunk
	if err := json.Unmarshal(v["ping (internal)"], &ping); err != nil {
		t.Fatal(err)
	}
	m := newMember(t)
	bare, chunks := bareLink(t, m, "bare")
	ctx := testCtx(t)
	for nonce := range 2 {
		if err := bare.Send(ctx, mustHex(t, ping[0].FullHex)); err != nil {
			t.Fatal(err)
		}
		// __90n6__, the pong's own nonce (one per send), tag 0x01, progress 0xff.
		want := "5f5f39306e365f5f00000000" + hex.EncodeToString([]byte{byte(nonce)}) + "01ff"
		if got := hex.EncodeToString(recv(t, chunks, "pong")); got != want {
			t.Fatalf("pong %d = %s, want %s", nonce, got, want)
		}
	}
}

func TestFrameVectorsBothWays(t *testing.T) {
	v := loadVectors(t)
	bin40k := make([]byte, 40000)
	for i := range bin40k {
		bin40k[i] = byte(i)
	}
	// The sends of protocol-0.18 §9, in nonce order.
	sends := []struct {
		vector string
		data   any
		meta   any
	}{
		{`chat "hi" nonce0`, "hi", nil},
		{`chat {a:1} nonce1`, map[string]int{"a": 1}, nil},
		{`chat 40000B binary meta {name:"x"} nonce2`, bin40k, map[string]string{"name": "x"}},
		{`chat 40000B binary no meta nonce3`, bin40k, nil},
		{`chat "" empty string nonce4`, "", nil},
		{`chat 16369B binary exact one chunk nonce5`, make([]byte, 16369), nil},
		{`chat 0B binary nonce6`, []byte{}, nil},
		{`chat number 3.5 nonce7`, 3.5, nil},
		{`chat null nonce8`, nil, nil},
	}
	sender := newMember(t)
	_, chunks := bareLink016(t, sender, "bare")
	chat, err := sender.room.MakeAction("chat")
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	var wire [][]byte
	for _, s := range sends {
		var want []vectorChunk
		if err := json.Unmarshal(v[s.vector], &want); err != nil || len(want) == 0 {
			t.Fatalf("vector %q: %v", s.vector, err)
		}
		if err := chat.Send(ctx, s.data, &SendOptions{Meta: s.meta}); err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			c := recv(t, chunks, "chunk")
			wire = append(wire, c)
			h := hex.EncodeToString(c)
			switch {
			case len(c) != w.Len:
				t.Errorf("%s chunk %d: %d bytes, want %d", s.vector, i, len(c), w.Len)
			case w.FullHex != "" && h != w.FullHex:
				t.Errorf("%s chunk %d: %s, want %s", s.vector, i, h, w.FullHex)
			case !strings.HasPrefix(h, w.HeaderHex+w.PayloadPreviewHex):
				t.Errorf("%s chunk %d: starts %s, want %s", s.vector, i, h[:60], w.HeaderHex+w.PayloadPreviewHex)
			}
		}
	}

	// Replay the verified chunks into a receiving Room, which must rebuild
	// every message; a malformed chunk and an unregistered type in between
	// are logged and dropped without disturbing the next message.
	recvM := newMember(t)
	bare2, _ := bareLink(t, recvM, "bare2")
	_, in := collect(t, recvM, "chat")
	junk := [][]byte{
		{1, 2, 3}, // shorter than the header
		append([]byte("chat\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf1\xff"), 'x'), // reserved tag bits
		[]byte("zzz\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xffhi"),         // type "zzz"
	}
	for i, c := range wire {
		if i == 1 {
			for _, j := range junk {
				if err := bare2.Send(ctx, j); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := bare2.Send(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	wantMsgs := []struct {
		kind, data, meta string
	}{
		{"string", "hi", ""},
		{"json", `{"a":1}`, ""},
		{"binary", string(bin40k), `{"name":"x"}`},
		{"binary", string(bin40k), ""},
		{"string", "", ""},
		{"binary", string(make([]byte, 16369)), ""},
		{"binary", "", ""},
		{"json", "3.5", ""},
		{"json", "null", ""},
	}
	for i, w := range wantMsgs {
		g := recv(t, in, "replayed message")
		if g.kind != w.kind || !bytes.Equal(g.data, []byte(w.data)) || g.meta != w.meta || g.peerID != "bare2" {
			t.Errorf("message %d: %s %d bytes meta %q from %s, want %s %d bytes meta %q",
				i, g.kind, len(g.data), g.meta, g.peerID, w.kind, len(w.data), w.meta)
		}
	}
	for _, logged := range []string{"malformed chunk", "dropped chunk of an action this room has not made"} {
		if !recvM.log.Has(logged) {
			t.Errorf("%q not logged", logged)
		}
	}
}

// A bare peer never answers pings: Ping ends with its context, or with
// ErrPeerLeft when the peer goes away.
func TestPingUnanswered(t *testing.T) {
	m := newMember(t)
	bare, chunks := bareLink(t, m, "bare")
	ctx, cancel := context.WithCancel(testCtx(t))
	errc := make(chan error, 1)
	go func() { _, err := m.room.Ping(ctx, "bare"); errc <- err }()
	recv(t, chunks, "ping chunk")
	cancel()
	if err := recv(t, errc, "Ping"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Ping with cancelled ctx = %v", err)
	}
	go func() { _, err := m.room.Ping(testCtx(t), "bare"); errc <- err }()
	recv(t, chunks, "second ping chunk")
	_ = bare.Close()
	if err := recv(t, errc, "Ping"); !errors.Is(err, ErrPeerLeft) {
		t.Fatalf("Ping to a departing peer = %v", err)
	}
}

// Send returns ctx's error when ctx ends mid-chunk.
func TestSendContextCancelled(t *testing.T) {
	m := newMember(t)
	_, chunks := bareLink(t, m, "bare")
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() { // keep reading so the sender is not blocked by the receiver
		for {
			select {
			case <-chunks:
			case <-done:
				return
			}
		}
	}()
	act, _ := m.room.MakeAction("file")
	ctx, cancel := context.WithCancel(testCtx(t))
	err := act.Send(ctx, make([]byte, 40<<20), &SendOptions{OnProgress: func(float64, string) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
}
