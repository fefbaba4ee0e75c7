//go:build !js

package posthorn

import (
	"bytes"
	"testing"

	"github.com/pion/webrtc/v4"
	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/transfer"
)

// TestSendFitsRemoteMaxMessageSize: a peer that advertises an
// a=max-message-size below posthorn's 256 KiB chunks gets every message cut
// to that size, and the chunks still make the whole message for a 0.18
// receiver.
func TestSendFitsRemoteMaxMessageSize(t *testing.T) {
	const limit, size = 20000, 200_000
	m := newMember(t)
	rp := newRawPeer(t, m, "small", rawOpts{maxMessage: limit})
	if got := rp.p.MaxMessageSize(); got != limit {
		t.Fatalf("MaxMessageSize = %d, want the remote's %d", got, limit)
	}
	act, err := m.room.MakeAction("file")
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 13)
	}
	if err := act.Send(testCtx(t), data, &SendOptions{Targets: []string{"small"}}); err != nil {
		t.Fatal(err)
	}
	f := chunk.Framing018
	want := (size + limit - f.HeaderLen() - 1) / (limit - f.HeaderLen())
	waitUntil(t, "the raw peer to receive every chunk", func() bool { return rp.count() >= want })
	rp.mu.Lock()
	msgs := append([][]byte(nil), rp.received...)
	rp.mu.Unlock()
	r := chunk.NewReassembler(f, transfer.Limits{})
	var got *transfer.Message
	for i, b := range msgs {
		if len(b) > limit {
			t.Fatalf("message %d has %d bytes, over the remote's %d", i, len(b), limit)
		}
		c, err := f.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		msg, _, err := r.Push(c)
		if err != nil {
			t.Fatal(err)
		}
		if msg != nil {
			got = msg
		}
	}
	if len(msgs) != want || got == nil || !bytes.Equal(got.Data, data) {
		t.Fatalf("%d messages (want %d), reassembled %v", len(msgs), want, got != nil)
	}
}

// TestSendLargeChunks: to a peer that accepts them (pion advertises 1 GiB),
// a 0.18 Room sends 256 KiB chunks, a sixteenth of Trystero's count.
func TestSendLargeChunks(t *testing.T) {
	const size = 1 << 20
	m := newMember(t)
	rp := newRawPeer(t, m, "big", rawOpts{})
	act, err := m.room.MakeAction("file")
	if err != nil {
		t.Fatal(err)
	}
	if err := act.Send(testCtx(t), make([]byte, size), &SendOptions{Targets: []string{"big"}}); err != nil {
		t.Fatal(err)
	}
	f := chunk.Framing018Send
	want := (size + f.MaxPayload() - 1) / f.MaxPayload()
	waitUntil(t, "the raw peer to receive every chunk", func() bool { return rp.count() >= want })
	rp.mu.Lock()
	defer rp.mu.Unlock()
	for i, b := range rp.received {
		if last := i == want-1; len(b) != f.ChunkSize && !last {
			t.Fatalf("chunk %d of %d has %d bytes, want %d", i, want, len(b), f.ChunkSize)
		}
	}
	if len(rp.received) != want {
		t.Fatalf("%d chunks, want %d", len(rp.received), want)
	}
}

// bareLink016 is bareLink with a bare peer that advertises an
// a=max-message-size of 16384, Trystero's chunk size: the Room then cuts its
// sends exactly as Trystero does, byte for byte (protocol-0.18 §5.1).
func bareLink016(t *testing.T, m *member, id string) (*peer.Peer, <-chan []byte) {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetSCTPMaxMessageSize(uint32(chunk.Framing018.ChunkSize))
	cfg := peer.Config{RTCConfig: &peer.Configuration{}, Logger: quietLogger()}
	cfgA := cfg
	cfgA.Initiator = true
	cfg.API = webrtc.NewAPI(webrtc.WithSettingEngine(se))
	x, y := connectPeersWith(t, cfgA, cfg)
	return bareLinked(m, id, x, y)
}
