package posthorn

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// FuzzHandleData feeds arbitrary chunk sequences to a Room's receive path
// (Parse → action lookup → Reassembler → dispatch, internal actions
// included). Input: chunks as [uint16 big-endian length][bytes]. The Room
// must neither panic nor deliver a message that contradicts its kind, and
// must keep what it buffers within its Limits.
func FuzzHandleData(f *testing.F) {
	frame := func(chunks ...string) []byte {
		var out []byte
		for _, h := range chunks {
			b, _ := hex.DecodeString(h)
			out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
			out = append(out, b...)
		}
		return out
	}
	f.Add(frame("6368617400000000000000000001ff6869"))                                                         // chat "hi"
	f.Add(frame("6368617400000000000000000109ff7b2261223a317d"))                                               // chat {a:1}
	f.Add(frame("636861740000000000000000020e407b226e616d65223a2278227d", "636861740000000000000000020dff00")) // meta + binary
	f.Add(frame("5f5f39316e365f5f000000000001ff"))                                                             // ping
	f.Add(frame("5f5f39306e365f5f000000000001ff"))                                                             // pong
	f.Add(frame("5f5f35377233346d5f5f00000009ff7b7d"))                                                         // stream meta
	f.Add(frame("5f5f3531366e344c5f5f00000009ff7b2274797065223a2278227d"))                                     // signal without members
	f.Add(frame("6368617400000000000000000109ff7b"))                                                           // bad JSON
	f.Add(frame("63686174000000000000000001f1ff"))                                                             // reserved bits
	f.Add(frame("00"))

	testutil.RequireNetns(f)
	r := newRoom(roomlink.Options{Logger: quietLogger(), Limits: transfer.Limits{MaxBytes: 1 << 20}})
	f.Cleanup(func() { _ = r.Leave() })
	// An unconnected peer: whatever the Room answers waits in its queue. A
	// peer the Room drops (over its budget) is replaced by a fresh one.
	var c *conn
	fresh := func(t testing.TB) {
		p, err := peer.New(peer.Config{RTCConfig: &peer.Configuration{}, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		id := ids.New(ids.SelfIDLen)
		r.addPeer(id, p)
		c = activeConn(r, id)
	}
	fresh(f)
	chat, _ := r.MakeAction("chat")
	chat.OnReceive(func(m transfer.Message, _ string) {
		if m.Kind == transfer.KindJSON && !json.Valid(m.Data) {
			panic("invalid JSON delivered")
		}
		if m.Meta != nil && m.Kind != transfer.KindBinary {
			panic("metadata delivered with non-binary data")
		}
	})

	f.Fuzz(func(t *testing.T, data []byte) {
		if c.ctx.Err() != nil {
			fresh(t)
		}
		for len(data) >= 2 {
			n := min(int(binary.BigEndian.Uint16(data)), len(data)-2)
			r.handleData(c, data[2:2+n])
			data = data[2+n:]
		}
		if got := c.reasm.Buffered(); got > 1<<20 {
			t.Fatalf("reassembler holds %d bytes, limit 1 MiB", got)
		}
		if got, lim := r.budget.Used(), r.limits.MaxRoomBytes; got > lim {
			t.Fatalf("room holds %d bytes, limit %d", got, lim)
		}
	})
}
