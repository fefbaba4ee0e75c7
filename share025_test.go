//go:build !js

package posthorn

import (
	"log/slog"
	"testing"

	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/profile"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/v025/frame"
	"github.com/posthorn/posthorn/transfer"
)

// sibling025 joins roomID as another 0.25 room of m's app under m's id.
func sibling025(t *testing.T, m *member, roomID string) *Room {
	r := newRoom(roomlink.Options{SelfID: m.id, Logger: slog.New(m.log), Profile: &profile.V025,
		AppID: app025, RoomID: roomID})
	t.Cleanup(func() { _ = r.Leave() })
	return r
}

// framed is chunk025 for the room roomID.
func framed(t *testing.T, roomID, name string, data []byte) []byte {
	t.Helper()
	var n chunk.NonceCounter
	tx, err := n.Encode(chunk.Framing025, name, transfer.KindBinary, data, nil)
	if err != nil || tx.Len() != 1 {
		t.Fatalf("encode %s: %v", name, err)
	}
	b, err := frame.AppendRoom(nil, frame.Token(app025, roomID), tx.AppendChunk(nil, 0))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShareFrames: a new shared connection announces every room of the
// app; frames for a room not joined yet are kept, within
// maxPendingFrameBytes with the oldest dropped, and handed to the room
// once the remote's presence frame binds it; an absent frame makes the
// peer leave that room only (protocol-0.25 §7).
func TestShareFrames(t *testing.T) {
	a, _ := newMember025(t, "", 0)
	sibling025(t, a, "room-2")
	rid := ids.New(ids.SelfIDLen)
	xp, raw := connectPeers(t)
	frames := make(chan frame.Frame, 256)
	raw.OnData(func(b []byte) {
		f, err := frame.Parse(b)
		if err != nil {
			t.Errorf("not a frame: %v", err)
			return
		}
		f.Chunk = append([]byte(nil), f.Chunk...)
		frames <- f
	})
	a.room.addPeer(rid, xp)
	present := map[string]bool{}
	for len(present) < 2 {
		if f := recv(t, frames, "presence frames"); f.Type == frame.TypePresence && f.Present {
			present[f.Token] = true
		}
	}
	if !present[frame.Token(app025, roomID025)] || !present[frame.Token(app025, "room-2")] {
		t.Errorf("presence for %v, want both rooms of the app", present)
	}

	// More than maxPendingFrameBytes for room-4, then @_hsready for room-3:
	// neither room exists yet.
	ctx := testCtx(t)
	junk := framed(t, "room-4", "chat", make([]byte, 15000))
	for range maxPendingFrameBytes/15000 + 8 {
		if err := raw.Send(ctx, junk); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Send(ctx, framed(t, "room-3", "@_hsready", nil)); err != nil {
		t.Fatal(err)
	}
	l := shared.liveLink(linkKey{appKey{a.id, app025}, rid})
	waitUntil(t, "the frames to be kept", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		n := len(l.pending)
		return n > 0 && l.pending[n-1].token == frame.Token(app025, "room-3")
	})
	l.mu.Lock()
	kept := l.pendingBytes
	l.mu.Unlock()
	if kept > maxPendingFrameBytes {
		t.Errorf("%d bytes kept, limit %d", kept, maxPendingFrameBytes)
	}
	if !a.log.Has("dropped the oldest frames") {
		t.Error("dropping kept frames was not logged")
	}

	// room-3 joins; the remote's presence binds it and its kept @_hsready
	// completes the handshake.
	r3 := sibling025(t, a, "room-3")
	joins, leaves := make(chan string, 1), make(chan string, 1)
	r3.OnPeerJoin(func(id string) { joins <- id })
	r3.OnPeerLeave(func(id string) { leaves <- id })
	p3, _ := frame.AppendPresence(nil, frame.Token(app025, "room-3"), true)
	if err := raw.Send(ctx, p3); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, joins, "room-3 to join the peer"); id != rid {
		t.Fatalf("room-3 joined %s", id)
	}
	if r3.Peers()[rid] != xp.PeerConnection() {
		t.Error("room-3 does not use the shared connection")
	}

	// Absent: the peer leaves room-3; room-1 keeps its binding.
	a3, _ := frame.AppendPresence(nil, frame.Token(app025, "room-3"), false)
	if err := raw.Send(ctx, a3); err != nil {
		t.Fatal(err)
	}
	if id := recv(t, leaves, "room-3 to lose the peer"); id != rid {
		t.Errorf("%s left room-3", id)
	}
	l.mu.Lock()
	bound := len(l.bound)
	l.mu.Unlock()
	if bound != 1 {
		t.Errorf("%d rooms bound after room-3's peer left, want 1 (room-1)", bound)
	}
}
