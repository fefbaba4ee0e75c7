//go:build !js

package posthorn

import (
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/posthorn/posthorn/internal/ids"
	"github.com/posthorn/posthorn/internal/peer"
	"github.com/posthorn/posthorn/internal/roomlink"
	"github.com/posthorn/posthorn/internal/testutil"
	"github.com/posthorn/posthorn/transfer"
)

// The hostile side of these tests is a bare pion PeerConnection that speaks
// the 0.18 wire by hand (docs/protocol-0.18.md §4–§6), connected to a real
// Room the way a strategy connects a peer.

// Tag bits of a 0.18 chunk (protocol-0.18 §5.2).
const (
	tagLast   = 0x01
	tagMeta   = 0x02
	tagBinary = 0x04
	tagJSON   = 0x08
)

// wire builds one 0.18 chunk: the action name NUL-padded to 12 bytes, the
// nonce, the tag and the progress byte, then the payload (§5.1).
func wire(action string, nonce, tag, progress byte, payload []byte) []byte {
	b := make([]byte, 12, 15+len(payload))
	copy(b, action)
	b = append(b, nonce, tag, progress)
	return append(b, payload...)
}

// rawPeer is the hostile remote.
type rawPeer struct {
	pc *webrtc.PeerConnection
	dc *webrtc.DataChannel
	p  *peer.Peer // the Room's side of the connection

	mu       sync.Mutex
	received [][]byte
	gate     chan struct{} // stalls the read loop while open (rawOpts.stall)
	release  func()        // closes gate
}

type rawOpts struct {
	// stall blocks the raw peer's read loop on its first message until the
	// test ends, with a small SCTP receive buffer, so the Room's sends to
	// it stop almost at once.
	stall bool
	// maxMessage, when not 0, is the a=max-message-size the raw peer
	// advertises (and the largest message it accepts).
	maxMessage uint32
}

// newRawPeer connects a raw peer to m's Room under id and returns once the
// Room has registered it.
func newRawPeer(t testing.TB, m *member, id string, o rawOpts) *rawPeer {
	t.Helper()
	testutil.RequireNetns(t)
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	if o.stall {
		se.SetSCTPMaxReceiveBufferSize(16 << 10)
	}
	if o.maxMessage != 0 {
		se.SetSCTPMaxMessageSize(o.maxMessage)
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	rp := &rawPeer{pc: pc, gate: make(chan struct{})}
	rp.release = sync.OnceFunc(func() { close(rp.gate) })
	t.Cleanup(func() { rp.release(); _ = pc.Close() })
	rp.dc, err = pc.CreateDataChannel("hostile", nil)
	if err != nil {
		t.Fatal(err)
	}
	rp.dc.OnMessage(func(msg webrtc.DataChannelMessage) {
		if o.stall {
			<-rp.gate
		}
		rp.mu.Lock()
		rp.received = append(rp.received, msg.Data)
		rp.mu.Unlock()
	})
	opened := make(chan struct{})
	rp.dc.OnOpen(func() { close(opened) })
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered

	rp.p, err = peer.New(peer.Config{RTCConfig: &webrtc.Configuration{}, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rp.p.Close() })
	answered := make(chan error, 1)
	rp.p.OnSignal(func(s peer.Signal) {
		if s.Type == peer.TypeAnswer {
			answered <- pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: s.SDP})
		}
	})
	connected := make(chan struct{})
	rp.p.OnConnect(func() { close(connected) })
	if err := rp.p.Signal(peer.Signal{Type: peer.TypeOffer, SDP: pc.LocalDescription().SDP}); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, answered, "the Room side's answer"); err != nil {
		t.Fatal(err)
	}
	recv(t, connected, "the Room side to connect")
	recv(t, opened, "the raw channel to open")
	m.room.addPeer(id, rp.p)
	return rp
}

// send writes raw chunks.
func (rp *rawPeer) send(t testing.TB, chunks ...[]byte) {
	t.Helper()
	for _, b := range chunks {
		if err := rp.dc.Send(b); err != nil {
			t.Fatalf("raw send: %v", err)
		}
	}
}

// count is how many messages the raw peer received.
func (rp *rawPeer) count() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return len(rp.received)
}

// newLimitedMember is newMember with receive limits.
func newLimitedMember(t testing.TB, lim transfer.Limits) *member {
	m := &member{id: ids.New(ids.SelfIDLen), log: &testutil.LogRecorder{}}
	m.room = newRoom(roomlink.Options{SelfID: m.id, Logger: slog.New(m.log), Limits: lim})
	t.Cleanup(func() { _ = m.room.Leave() })
	return m
}

// marker sends, after the raw chunks, a message of action "done"; since a
// connection's chunks are handled in order, its arrival means every chunk
// before it was handled.
func (rp *rawPeer) marker(t testing.TB, done <-chan got) {
	t.Helper()
	rp.send(t, wire("done", 0, tagLast, 0xff, []byte("x")))
	recv(t, done, "the marker message")
}

// A ping flood while the channel back is stalled queues at most
// maxQueuedPongs pongs (issue 15: a million pings once queued 999,999 pongs,
// +39.8 MiB); the connection survives and answers again once it moves.
func TestHostilePingFloodStalled(t *testing.T) {
	const pings = 20000
	m := newMember(t)
	_, done := collect(t, m, "done")
	rp := newRawPeer(t, m, "hostile", rawOpts{stall: true})
	ping := wire("__91n6__", 0, tagLast, 0xff, nil)
	for i := range pings {
		ping[12] = byte(i)
		rp.send(t, ping)
	}
	rp.marker(t, done)
	c := activeConn(m.room, "hostile")
	if n := c.control.Len(); n > maxQueuedPongs {
		t.Fatalf("%d pongs queued after %d pings on a stalled channel, want at most %d", n, pings, maxQueuedPongs)
	}
	if !m.room.hasPeer("hostile") {
		t.Fatal("the pinging peer was dropped; pings are not data")
	}
	rp.release()
	waitUntil(t, "the queued pongs to arrive", func() bool { return c.control.Len() == 0 && rp.count() > 0 })
	before := rp.count()
	rp.send(t, ping)
	waitUntil(t, "a pong to a ping after the flood", func() bool { return rp.count() > before })
}

// flood writes raw chunks until one fails (the Room dropped the peer); it
// reports how many went out.
func (rp *rawPeer) flood(chunks func(i int) []byte, n int) int {
	for i := range n {
		if rp.dc.Send(chunks(i)) != nil {
			return i
		}
	}
	return n
}

// leaves returns a channel that gets the ids of the peers that leave m.
func leaves(m *member) <-chan string {
	ch := make(chan string, 16)
	m.room.OnPeerLeave(func(id string) { ch <- id })
	return ch
}

// stillTalks checks that m and its ordinary peer o still exchange messages.
func stillTalks(t *testing.T, m, o *member) {
	t.Helper()
	_, toO := collect(t, o, "talk")
	toM := make(chan got, 4)
	a, _ := m.room.MakeAction("talk")
	a.OnReceive(func(msg transfer.Message, id string) { toM <- got{data: msg.Data, peerID: id} })
	ao, _ := o.room.MakeAction("talk")
	if err := a.Send(testCtx(t), "to o", &SendOptions{Targets: []string{o.id}}); err != nil {
		t.Fatal(err)
	}
	if g := recv(t, toO, "m's message to its ordinary peer"); string(g.data) != "to o" {
		t.Fatalf("ordinary peer got %q", g.data)
	}
	if err := ao.Send(testCtx(t), "to m", nil); err != nil {
		t.Fatal(err)
	}
	if g := recv(t, toM, "the ordinary peer's message"); string(g.data) != "to m" {
		t.Fatalf("m got %q", g.data)
	}
}

const payloadLen = 16384 - 15 // a full 0.18 chunk's payload

// Hostile input that must cost a peer its connection: the Room buffers at
// most its budget, drops the peer with one log line and frees what it held,
// and its other peers do not notice.
func TestHostileOverBudget(t *testing.T) {
	const maxBytes = 1 << 20
	big := make([]byte, payloadLen)
	tests := []struct {
		name    string
		actions int // actions "a0", "a1"… the Room makes
		chunks  func(i int) []byte
		n       int
	}{
		// Endless chunks without the last flag: one message that never ends.
		{"endless chunks", 1, func(int) []byte { return wire("a0", 7, tagBinary, 0, big) }, 200},
		// Thousands of concurrent nonces: 10 actions × 256 nonces in flight.
		{"concurrent nonces", 10, func(i int) []byte {
			return wire("a"+string(rune('0'+i%10)), byte(i/10), tagBinary, 0, []byte{1})
		}, 2560},
		// A metadata chunk over the peer's whole budget, repeated.
		{"huge metadata", 1, func(int) []byte {
			meta := append(append([]byte{'"'}, make([]byte, 60000)...), '"')
			for i := 1; i < len(meta)-1; i++ {
				meta[i] = 'm'
			}
			return wire("a0", 1, tagMeta|tagBinary, 0, meta)
		}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := transfer.Limits{MaxBytes: maxBytes}
			if tt.name == "huge metadata" {
				lim.MaxBytes = 32 << 10
			}
			m := newLimitedMember(t, lim)
			o := newMember(t)
			link(t, m, o)
			left := leaves(m)
			for i := range tt.actions {
				if _, err := m.room.MakeAction("a" + string(rune('0'+i))); err != nil {
					t.Fatal(err)
				}
			}
			rp := newRawPeer(t, m, "hostile", rawOpts{})
			c := activeConn(m.room, "hostile")
			rp.flood(tt.chunks, tt.n)
			if id := recv(t, left, "the hostile peer's leave"); id != "hostile" {
				t.Fatalf("%s left, want the hostile peer", id)
			}
			if n := m.log.Count("receive budget"); n != 1 {
				t.Fatalf("%d log lines about the drop, want 1", n)
			}
			if b := c.reasm.Buffered(); b != 0 {
				t.Fatalf("the dropped peer still holds %d bytes", b)
			}
			if u := m.room.budget.Used(); u != 0 {
				t.Fatalf("the room's budget still has %d bytes used", u)
			}
			stillTalks(t, m, o)
		})
	}
}

// When the room's budget is full, the peer holding the most is dropped and
// the chunk that did not fit is taken: the other peer's message completes.
func TestHostileRoomBudget(t *testing.T) {
	const chunks = 50 // 800 KiB; with the second peer's 48, over the room's 1.5 MiB
	m := newLimitedMember(t, transfer.Limits{MaxBytes: 1 << 20, MaxRoomBytes: 3 << 19})
	_, done := collect(t, m, "done")
	_, files := collect(t, m, "file")
	left := leaves(m)
	big := make([]byte, payloadLen)
	h1 := newRawPeer(t, m, "first", rawOpts{})
	h2 := newRawPeer(t, m, "second", rawOpts{})
	h1.flood(func(int) []byte { return wire("file", 1, tagBinary, 0, big) }, chunks)
	h1.marker(t, done)
	h2.flood(func(int) []byte { return wire("file", 1, tagBinary, 0, big) }, chunks-2)
	h2.send(t, wire("file", 1, tagBinary|tagLast, 0xff, []byte("end")))
	if id := recv(t, left, "a peer's leave"); id != "first" {
		t.Fatalf("%s left, want the peer holding the most", id)
	}
	g := recv(t, files, "the second peer's file")
	if g.peerID != "second" || len(g.data) != (chunks-2)*payloadLen+3 {
		t.Fatalf("got %d bytes from %s", len(g.data), g.peerID)
	}
	if n := m.log.Count("receive budget"); n != 1 {
		t.Fatalf("%d log lines about the drop, want 1", n)
	}
	if u := m.room.budget.Used(); u != 0 {
		t.Fatalf("room budget has %d bytes used after the message", u)
	}
}

// Junk that costs nothing to hold is dropped without dropping the peer, and
// a remote cannot make the Room log a line per chunk: unknown actions,
// malformed chunks, bad JSON, malformed signals on the internal signal action.
func TestHostileJunkLogsLittle(t *testing.T) {
	const each = 500
	m := newMember(t)
	_, done := collect(t, m, "done")
	collect(t, m, "chat")
	rp := newRawPeer(t, m, "hostile", rawOpts{})
	junk := []func(i int) []byte{
		func(i int) []byte { return wire("nosuchaction", byte(i), tagLast, 0xff, []byte("x")) },
		func(int) []byte { return []byte{1, 2, 3} },                                             // shorter than a header
		func(int) []byte { return wire("chat", 0, 0xf1, 0xff, nil) },                            // reserved tag bits
		func(i int) []byte { return wire("chat", byte(i), tagJSON|tagLast, 0xff, []byte("{")) }, // bad JSON
		func(i int) []byte { return wire("__516n4L__", byte(i), tagJSON|tagLast, 0xff, []byte("[1]")) },
		func(i int) []byte { return wire("__516n4L__", byte(i), tagLast, 0xff, []byte("{")) },
	}
	for _, j := range junk {
		if n := rp.flood(j, each); n != each {
			t.Fatalf("the Room dropped the peer after %d junk chunks", n)
		}
	}
	rp.marker(t, done)
	if !m.room.hasPeer("hostile") {
		t.Fatal("junk dropped the peer")
	}
	// rate.Sometimes{First: 3, Interval: time.Minute}: three lines, and one
	// more for each minute this test ran on a very slow machine.
	if n := m.log.Count(""); n > 5 {
		t.Fatalf("%d log lines for %d junk chunks", n, each*len(junk))
	}
}

// A remote that keeps opening data channels is dropped: the Room reports
// its leave, and the other peers do not notice.
func TestHostileExtraChannels(t *testing.T) {
	m := newMember(t)
	o := newMember(t)
	link(t, m, o)
	left := leaves(m)
	rp := newRawPeer(t, m, "hostile", rawOpts{})
	for i := range 100 {
		if _, err := rp.pc.CreateDataChannel("extra"+string(rune('a'+i%26)), nil); err != nil {
			break // closing: the Room's side dropped it
		}
	}
	if id := recv(t, left, "the hostile peer's leave"); id != "hostile" {
		t.Fatalf("%s left, want the hostile peer", id)
	}
	stillTalks(t, m, o)
}

// A connected peer that floods ICE candidates over the internal signal
// action is dropped before pion holds more than maxSignalCandidates of them.
func TestHostileCandidateFlood(t *testing.T) {
	m := newMember(t)
	o := newMember(t)
	link(t, m, o)
	left := leaves(m)
	rp := newRawPeer(t, m, "hostile", rawOpts{})
	for i := range maxSignalCandidates + 10 {
		sig := fmt.Sprintf(`{"type":"candidate","candidate":{"candidate":"candidate:%d 1 udp 2130706431 127.0.0.1 %d typ host","sdpMLineIndex":0,"sdpMid":"0"}}`, i, 10000+i)
		if rp.dc.Send(wire("__516n4L__", byte(i), tagJSON|tagLast, 0xff, []byte(sig))) != nil {
			break
		}
	}
	if id := recv(t, left, "the hostile peer's leave"); id != "hostile" {
		t.Fatalf("%s left, want the hostile peer", id)
	}
	if !m.log.Has("receive budget") {
		t.Fatal("the drop was not logged")
	}
	stillTalks(t, m, o)
}
