//go:build !js

package interop

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"
)

// record is one message a member received, in the harness's shape
// (js/harness.js): text and JSON values as JSON, binary as length and hash.
type record struct {
	Action string          `json:"action"`
	ID     string          `json:"id"`
	Meta   json.RawMessage `json:"meta"`
	Type   string          `json:"type"` // JS typeof, or "binary"
	Value  json.RawMessage `json:"value"`
	Len    int             `json:"len"`
	SHA256 string          `json:"sha256"`
}

// progress is one progress report; Pct is 0..1 as Trystero reports it.
type progress struct {
	Action string          `json:"action"`
	ID     string          `json:"id"`
	Pct    float64         `json:"pct"`
	Meta   json.RawMessage `json:"meta"`
}

// stream is one media stream a member received.
type stream struct {
	ID    string          `json:"id"`
	Meta  json.RawMessage `json:"meta"`
	Kinds []string        `json:"kinds"`
	// StreamID is the MediaStream id (the SDP msid's stream part).
	StreamID string `json:"streamId"`
}

// member is one peer of a room under test, whatever it runs on: a JS page
// (real Trystero or posthorn's wasm build) or a native Go peer. Methods fail
// t on error; they are called from the test goroutine only.
type member interface {
	Name() string
	ID() string
	// Joined and Left return the ids onPeerJoin and onPeerLeave reported.
	Joined(t testing.TB) []string
	Left(t testing.TB) []string
	// Send sends a JSON-representable value on action: a Go string is sent
	// as a JS string, anything else as JSON. targets is nil (everyone), a
	// string or a []string.
	Send(t testing.TB, action string, value any, targets any)
	// SendBinary sends size random bytes with meta and returns their SHA-256
	// (hex) and the sender's progress reports.
	SendBinary(t testing.TB, action string, size int, meta any, targets any) (string, []progress)
	Received(t testing.TB) []record
	RecvProgress(t testing.TB) []progress
	// ChunkPayload is the payload of a full 0.18 chunk as this member's
	// library sends it: 16369 bytes for Trystero (16 KiB chunks), 262129
	// for posthorn (256 KiB chunks, chunk.Framing018Send).
	ChunkPayload() int
	Ping(t testing.TB, id string)
	Leave(t testing.TB)
}

// waitTimeout bounds one wait for a peer event. Signalling through a local
// relay and connecting on loopback takes well under this; a 5 MiB transfer
// too.
const waitTimeout = 45 * time.Second

// eventually polls cond until it holds or waitTimeout passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func waitJoined(t testing.TB, m member, id string) {
	t.Helper()
	eventually(t, m.Name()+" to see "+id+" join", func() bool { return slices.Contains(m.Joined(t), id) })
}

func waitLeft(t testing.TB, m member, id string) {
	t.Helper()
	eventually(t, m.Name()+" to see "+id+" leave", func() bool { return slices.Contains(m.Left(t), id) })
}

// receivedFrom returns m's records of action from id.
func receivedFrom(t testing.TB, m member, action, id string) []record {
	var out []record
	for _, r := range m.Received(t) {
		if r.Action == action && r.ID == id {
			out = append(out, r)
		}
	}
	return out
}

// waitReceived waits until m has n records of action from id and returns
// them.
func waitReceived(t testing.TB, m member, action, id string, n int) []record {
	t.Helper()
	var got []record
	eventually(t, m.Name()+" to receive "+strconv.Itoa(n)+" "+action+" message(s) from "+id, func() bool {
		got = receivedFrom(t, m, action, id)
		return len(got) >= n
	})
	return got
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
