//go:build !js

package interop

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn"
	"github.com/posthorn/posthorn/internal/chunk"
	"github.com/posthorn/posthorn/internal/ids"

	"github.com/posthorn/posthorn/transfer"
)

// joiner is a native strategy instance (signal/torrent, /nostr, /mqtt).
type joiner interface {
	SelfID() string
	JoinRoom(ctx context.Context, cfg posthorn.Config, roomID string) (*posthorn.Room, error)
}

// nativeMember is a native Go peer: a strategy instance of its own (so its
// own selfId) and the room it joined.
type nativeMember struct {
	name string
	id   string
	room *posthorn.Room
	acts map[string]*posthorn.Action

	mu           sync.Mutex
	joined, left []string
	recv         []record
	recvProg     []progress
	nstreams     []nativeStream
	rtp          map[string]int                         // RTP packets received per peer
	forward      map[string]*webrtc.TrackLocalStaticRTP // where a peer's video is forwarded (ForwardVideo)
}

// joinNative joins cfg's room with the strategy instance made by newStrategy
// (given a fresh peer id and a logger into the test log).
func joinNative(t testing.TB, name string, cfg joinConfig, newStrategy func(selfID string, log *slog.Logger) joiner) *nativeMember {
	t.Helper()
	log := testLogger(t, name)
	s := newStrategy(ids.New(20), log)
	m := &nativeMember{name: name, id: s.SelfID(), acts: map[string]*posthorn.Action{}, rtp: map[string]int{},
		forward: map[string]*webrtc.TrackLocalStaticRTP{}}
	r, err := s.JoinRoom(t.Context(), posthorn.Config{
		AppID: cfg.AppID, Password: cfg.Password, RelayURLs: cfg.Relays,
		RTCConfig: &webrtc.Configuration{}, Logger: log,
	}, cfg.Room)
	if err != nil {
		t.Fatalf("%s: JoinRoom: %v", name, err)
	}
	m.room = r
	t.Cleanup(func() { r.Leave() })
	m.hookMedia()
	r.OnPeerJoin(func(id string) { m.mu.Lock(); m.joined = append(m.joined, id); m.mu.Unlock() })
	r.OnPeerLeave(func(id string) { m.mu.Lock(); m.left = append(m.left, id); m.mu.Unlock() })
	for _, name := range []string{"msg", "bin"} {
		a, err := r.MakeAction(name)
		if err != nil {
			t.Fatal(err)
		}
		m.acts[name] = a
		a.OnReceive(func(msg transfer.Message, from string) { m.add(toRecord(name, msg, from)) })
		a.OnProgress(func(pct float64, from string, meta json.RawMessage) {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.recvProg = append(m.recvProg, progress{Action: name, ID: from, Pct: pct, Meta: meta})
		})
	}
	t.Logf("%s joined %q as %s", name, cfg.Room, m.id)
	return m
}

// toRecord describes a message as js/harness.js does.
func toRecord(action string, msg transfer.Message, from string) record {
	r := record{Action: action, ID: from, Meta: msg.Meta}
	switch msg.Kind {
	case transfer.KindBinary:
		sum := sha256.Sum256(msg.Data)
		r.Type, r.Len, r.SHA256 = "binary", len(msg.Data), hex.EncodeToString(sum[:])
	case transfer.KindString:
		r.Type, r.Value = "string", mustJSON(msg.String())
	default:
		var v any
		if err := msg.Decode(&v); err != nil {
			r.Type, r.Value = "undecodable", mustJSON(msg.String())
			break
		}
		r.Type, r.Value = typeOf(v), json.RawMessage(msg.Data)
		if v == nil {
			r.Type = "object" // typeof null
		}
	}
	return r
}

func (m *nativeMember) add(r record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recv = append(m.recv, r)
}

func (m *nativeMember) Name() string      { return m.name }
func (m *nativeMember) ChunkPayload() int { return chunk.Framing018Send.MaxPayload() }
func (m *nativeMember) ID() string        { return m.id }

func (m *nativeMember) Joined(testing.TB) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.joined...)
}

func (m *nativeMember) Left(testing.TB) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.left...)
}

func (m *nativeMember) Received(testing.TB) []record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]record(nil), m.recv...)
}

func (m *nativeMember) RecvProgress(testing.TB) []progress {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]progress(nil), m.recvProg...)
}

// targetList turns the harness's targets (nil, a string or a list) into
// posthorn.SendOptions.Targets.
func targetList(targets any) []string {
	switch v := targets.(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []string:
		return v
	}
	panic("bad targets")
}

func (m *nativeMember) Send(t testing.TB, action string, value any, targets any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	if err := m.acts[action].Send(ctx, value, &posthorn.SendOptions{Targets: targetList(targets)}); err != nil {
		t.Fatalf("%s: send %v: %v", m.name, value, err)
	}
}

func (m *nativeMember) SendBinary(t testing.TB, action string, size int, meta any, targets any) (string, []progress) {
	t.Helper()
	data := make([]byte, size)
	rand.Read(data)
	sum := sha256.Sum256(data)
	var mu sync.Mutex
	var ps []progress
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	err := m.acts[action].Send(ctx, data, &posthorn.SendOptions{
		Targets: targetList(targets),
		Meta:    meta,
		OnProgress: func(pct float64, id string) {
			mu.Lock()
			defer mu.Unlock()
			ps = append(ps, progress{ID: id, Pct: pct})
		},
	})
	if err != nil {
		t.Fatalf("%s: send %d bytes: %v", m.name, size, err)
	}
	return hex.EncodeToString(sum[:]), ps
}

func (m *nativeMember) Ping(t testing.TB, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	if _, err := m.room.Ping(ctx, id); err != nil {
		t.Fatalf("%s: ping %s: %v", m.name, id, err)
	}
}

func (m *nativeMember) Leave(t testing.TB) {
	t.Helper()
	if err := m.room.Leave(); err != nil {
		t.Fatalf("%s: leave: %v", m.name, err)
	}
}
